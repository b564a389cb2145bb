#!/bin/sh
# Make an OCI image archive that `ctr images import` takes, offline: one
# uncompressed layer (the tar of ROOTFS), a config with ENTRYPOINT, and the
# index naming it NAME (containerd's io.containerd.image.name).
#   usage: make-image.sh ROOTFS NAME OUT.tar ENTRYPOINT...
set -eu
rootfs=${1:?usage: make-image.sh ROOTFS NAME OUT.tar ENTRYPOINT...}
name=${2:?}
out=${3:?}
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
*) arch=$(uname -m) ;;
esac

# put FILE: moves FILE into blobs/ under its digest, prints "DIGEST SIZE"
put() {
	d=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(stat -c %s "$1")
	mv "$1" "$work/blobs/sha256/$d"
	echo "sha256:$d $s"
}

tar -C "$rootfs" --numeric-owner -cf "$work/layer" .
set -- "$(put "$work/layer")" "$@"
layer=${1% *} layer_size=${1#* }
shift
jq -n --arg arch "$arch" --arg diff "$layer" '{
	architecture: $arch, os: "linux",
	config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Entrypoint: $ARGS.positional},
	rootfs: {type: "layers", diff_ids: [$diff]}
}' --args -- "$@" > "$work/config"
set -- "$(put "$work/config")"
config=${1% *} config_size=${1#* }
jq -n --arg c "$config" --argjson cs "$config_size" --arg l "$layer" --argjson ls "$layer_size" '{
	schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]
}' > "$work/manifest"
set -- "$(put "$work/manifest")"
manifest=${1% *} manifest_size=${1#* }
jq -n --arg m "$manifest" --argjson ms "$manifest_size" --arg name "$name" '{
	schemaVersion: 2,
	manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m,
		size: $ms, annotations: {"io.containerd.image.name": $name}}]
}' > "$work/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$work/oci-layout"
tar -C "$work" -cf "$out" oci-layout index.json blobs
