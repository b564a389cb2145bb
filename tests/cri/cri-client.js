#!/usr/bin/env node
// A small CRI client for tests/integration/cri.bats (Debian has no crictl):
//   node cri-client.js SOCKET METHOD [REQUEST-JSON]
// calls runtime.v1 METHOD (RuntimeService's, or ImageService's for the
// image calls) on the containerd socket and prints the response as one
// JSON object: field names as in api.proto (snake_case), enums by name,
// 64-bit numbers as numbers, bytes (ExecSync's stdout and stderr) as
// UTF-8 text.  A failed call prints "CRI METHOD: <gRPC status>: <details>"
// on stderr and exits 1.  The packages come from package-lock.json: the
// tests install them (npm ci) with NODE_PATH pointing at them.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [socket, method, body] = process.argv.slice(2);
if (!socket || !method) {
	process.stderr.write('usage: cri-client.js SOCKET METHOD [REQUEST-JSON]\n');
	process.exit(2);
}

const definition = protoLoader.loadSync(path.join(__dirname, 'api.proto'), {
	keepCase: true,
	longs: Number,
	enums: String,
	defaults: true,
});
const v1 = grpc.loadPackageDefinition(definition).runtime.v1;
const service = ['ListImages', 'ImageStatus'].includes(method) ? v1.ImageService : v1.RuntimeService;
const client = new service('unix://' + socket, grpc.credentials.createInsecure());
if (typeof client[method] !== 'function') {
	process.stderr.write(`CRI ${method}: not a method of the tests' api.proto\n`);
	process.exit(2);
}

let request;
try {
	request = body ? JSON.parse(body) : {};
} catch (e) {
	process.stderr.write(`CRI ${method}: request is not JSON: ${e.message}\n`);
	process.exit(2);
}

// Long calls (StopContainer with a grace period, ExecSync) are bounded by
// the tests' own timeouts; this one only keeps a wedged daemon from
// hanging the client for ever.
const deadline = new Date(Date.now() + 120 * 1000);
client[method](request, { deadline }, (err, response) => {
	if (err) {
		process.stderr.write(`CRI ${method}: ${grpc.status[err.code] || err.code}: ${err.details}\n`);
		process.exit(1);
	}
	const text = JSON.stringify(response, (key, value) =>
		value && value.type === 'Buffer' && Array.isArray(value.data)
			? Buffer.from(value.data).toString('utf8')
			: value);
	process.stdout.write(text + '\n');
	client.close();
});
