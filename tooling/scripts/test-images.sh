#!/usr/bin/env bash
# Builds the OCI test images locally (no registry) with umoci from busybox-static, once:
# outputs live under .cache/images/ and are rebuilt only when missing. Safe to run
# concurrently (one flock). Prints KEY=VALUE lines naming every output.
#
#   tooling/scripts/test-images.sh           small images (tests)
#   tooling/scripts/test-images.sh --large   also the >=200 MB image (benchmarks)
#
# Outputs (IMAGES=.cache/images):
#   oci:$IMAGES/layout:busybox-amd64    amd64 image
#   oci:$IMAGES/layout:busybox-arm64    arm64 image
#   oci:$IMAGES/layout:busybox          image index listing both, with platforms
#   docker-archive:$IMAGES/busybox-amd64-docker.tar
#   oci-archive:$IMAGES/busybox-amd64-oci.tar
#   oci:$IMAGES/large:large-amd64       amd64 image with 256 MiB of deterministic data (--large only)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGES=${METALOR_TEST_IMAGES_DIR:-$ROOT/.cache/images}
DEBS=$ROOT/.cache/debs
FORMAT=1 # bump to force a rebuild when the image contents change
APPLETS=(sh ash ls cat echo mkdir rm rmdir touch test true false env id uname sleep cp mv ln chmod
  grep sed wc head tail stat readlink find printf pwd date hostname tr sort cut dd ps kill mount)

log() { printf '[test-images] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_tools() {
  local tool
  for tool in umoci skopeo dpkg-deb flock node; do
    command -v "$tool" >/dev/null || die "$tool is not on PATH (run tooling/scripts/setup.sh)"
  done
  [ -x /bin/busybox ] || die "/bin/busybox missing: install the Debian package busybox-static"
}

arm64_busybox() {
  local deb out=$1
  deb=$(ls "$DEBS"/busybox-static_*_arm64.deb 2>/dev/null | head -n1 || true)
  [ -n "$deb" ] || die "no $DEBS/busybox-static_*_arm64.deb: run tooling/scripts/setup.sh (downloads busybox-static:arm64)"
  dpkg-deb -x "$deb" "$out"
  [ -x "$out/bin/busybox" ] || die "$deb has no /bin/busybox"
}

# Fill a rootfs: /bin/busybox + applet symlinks, /etc/passwd, /etc/group, /tmp, /dev, /proc.
fill_rootfs() {
  local rootfs=$1 busybox=$2 applet
  mkdir -p "$rootfs"/{bin,etc,tmp,dev,proc,root,sys}
  chmod 1777 "$rootfs/tmp"
  chmod 0700 "$rootfs/root"
  install -m 0755 "$busybox" "$rootfs/bin/busybox"
  for applet in "${APPLETS[@]}"; do ln -sf busybox "$rootfs/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  printf 'metalor-test\n' >"$rootfs/etc/hostname"
}

# build_image LAYOUT TAG ARCH BUSYBOX [EXTRA_FN]: one layer, config with platform and cmd.
build_image() {
  local layout=$1 tag=$2 arch=$3 busybox=$4 extra=${5:-} work
  work=$(mktemp -d "$TMP/bundle.XXXXXX")
  rmdir "$work"
  umoci new --image "$layout:$tag"
  umoci unpack --rootless --image "$layout:$tag" "$work"
  fill_rootfs "$work/rootfs" "$busybox"
  [ -n "$extra" ] && "$extra" "$work/rootfs"
  umoci repack --image "$layout:$tag" "$work"
  umoci config --image "$layout:$tag" --architecture "$arch" --os linux \
    --config.cmd /bin/sh --config.env PATH=/bin --config.workingdir /
  rm -rf "$work"
}

# Tag NAME in LAYOUT as an image index of the amd64 and arm64 manifests.
add_index() {
  node - "$1" "$2" busybox-amd64 busybox-arm64 <<'JS'
const fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
const [layout, name, ...tags] = process.argv.slice(2);
const top = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
const blob = (digest) => JSON.parse(fs.readFileSync(path.join(layout, 'blobs', ...digest.split(':')), 'utf8'));
const manifests = tags.map((tag) => {
  const desc = top.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!desc) throw new Error(`tag ${tag} missing in ${layout}`);
  const config = blob(blob(desc.digest).config.digest);
  return { mediaType: desc.mediaType, digest: desc.digest, size: desc.size, platform: { architecture: config.architecture, os: config.os } };
});
const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
const hex = crypto.createHash('sha256').update(body).digest('hex');
fs.writeFileSync(path.join(layout, 'blobs', 'sha256', hex), body);
top.manifests = top.manifests.filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] !== name);
top.manifests.push({ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${hex}`, size: body.length,
  annotations: { 'org.opencontainers.image.ref.name': name } });
fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify(top));
JS
}

# 256 files of 1 MiB, AES-CTR keystream over zeros: deterministic, incompressible, fast to make.
large_payload() {
  node - "$1/data" <<'JS'
const fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
const dir = process.argv[2];
fs.mkdirSync(dir, { recursive: true });
const cipher = crypto.createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
const zeros = Buffer.alloc(1 << 20);
for (let i = 0; i < 256; i++) {
  const sub = path.join(dir, String(i % 16).padStart(2, '0'));
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(path.join(sub, `blob-${String(i).padStart(3, '0')}.bin`), cipher.update(zeros));
}
JS
}

build_small() {
  local dest=$IMAGES/layout layout=$TMP/layout arm=$TMP/arm64-deb
  if [ -f "$dest/.complete-$FORMAT" ] && [ -f "$IMAGES/busybox-amd64-docker.tar" ] && [ -f "$IMAGES/busybox-amd64-oci.tar" ]; then
    return 0
  fi
  log "building small images into $dest"
  mkdir -p "$arm" && arm64_busybox "$arm"
  umoci init --layout "$layout"
  build_image "$layout" busybox-amd64 amd64 /bin/busybox
  build_image "$layout" busybox-arm64 arm64 "$arm/bin/busybox"
  add_index "$layout" busybox
  umoci gc --layout "$layout"
  skopeo copy --quiet "oci:$layout:busybox-amd64" "docker-archive:$TMP/busybox-amd64-docker.tar:metalor/busybox:amd64"
  skopeo copy --quiet "oci:$layout:busybox-amd64" "oci-archive:$TMP/busybox-amd64-oci.tar:busybox-amd64"
  touch "$layout/.complete-$FORMAT"
  rm -rf "$dest" "$IMAGES"/busybox-amd64-*.tar
  mv "$TMP/busybox-amd64-docker.tar" "$TMP/busybox-amd64-oci.tar" "$IMAGES/"
  mv "$layout" "$dest"
}

build_large() {
  local dest=$IMAGES/large layout=$TMP/large
  [ -f "$dest/.complete-$FORMAT" ] && return 0
  log "building the large image into $dest"
  umoci init --layout "$layout"
  build_image "$layout" large-amd64 amd64 /bin/busybox large_payload
  touch "$layout/.complete-$FORMAT"
  rm -rf "$dest"
  mv "$layout" "$dest"
}

main() {
  local large=0
  case "${1:-}" in
    --large) large=1 ;;
    '') ;;
    *) die "unknown argument $1 (expected --large or nothing)" ;;
  esac
  need_tools
  mkdir -p "$IMAGES"
  exec 9>"$IMAGES/.lock"
  flock 9
  TMP=$(mktemp -d "$IMAGES/.tmp.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
  # Leftovers of an interrupted run (we hold the lock, so nobody else is using them).
  find "$IMAGES" -maxdepth 1 -name '.tmp.*' ! -path "$TMP" -exec rm -rf {} +
  build_small
  [ "$large" = 1 ] && build_large
  printf 'METALOR_TEST_IMAGES=%s\n' "$IMAGES"
  printf 'METALOR_TEST_LAYOUT=%s\n' "$IMAGES/layout"
  printf 'METALOR_TEST_IMAGE_AMD64=oci:%s\n' "$IMAGES/layout:busybox-amd64"
  printf 'METALOR_TEST_IMAGE_ARM64=oci:%s\n' "$IMAGES/layout:busybox-arm64"
  printf 'METALOR_TEST_IMAGE_MULTI=oci:%s\n' "$IMAGES/layout:busybox"
  printf 'METALOR_TEST_IMAGE_DOCKER_ARCHIVE=docker-archive:%s\n' "$IMAGES/busybox-amd64-docker.tar"
  printf 'METALOR_TEST_IMAGE_OCI_ARCHIVE=oci-archive:%s\n' "$IMAGES/busybox-amd64-oci.tar"
  if [ -f "$IMAGES/large/.complete-$FORMAT" ]; then
    printf 'METALOR_TEST_IMAGE_LARGE=oci:%s\n' "$IMAGES/large:large-amd64"
  fi
}

main "$@"
