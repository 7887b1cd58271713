#!/usr/bin/env bash
# Services for Beacon's integration tests and CI: a Docker engine and an OCI registry (distribution) on 127.0.0.1, and a
# small local base image (no image can be pulled from outside on these machines).
#   scripts/services.sh up     install (apt) what is missing, start both, build localbase/busybox:1 and
#                              localbase/debian-jupyter:1 (Debian with python3-ipykernel and jupyter-server, for the kernel and workspace tests); writes the
#                              variables to export into $BEACON_SERVICES_DIR/env (default /tmp/beacon-services/env)
#   scripts/services.sh down   stop what "up" started (by pid) and undo its host changes
# Modelled on the team's tested ci-containers.sh reference (Debian 12: no iptables/NAT, no ip_forward change).
set -euo pipefail
W=${BEACON_SERVICES_DIR:-${TMPDIR:-/tmp}/beacon-services}
REG_PORT=${REG_PORT:-15000}
# A second registry that asks for a user name and password (htpasswd, bcrypt), for the registry client's Basic auth.
AUTH_PORT=${AUTH_PORT:-15001}
AUTH_USER=beacon-test
AUTH_PASSWORD=not-a-secret-test-only
mkdir -p "$W"

up() {
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v dockerd >/dev/null || ! command -v docker-registry >/dev/null || [ ! -x /bin/busybox ] || ! command -v htpasswd >/dev/null \
     || ! command -v mmdebstrap >/dev/null || ! command -v jupyter-kernelspec >/dev/null || ! python3 -c 'import jupyter_client' 2>/dev/null \
     || ! command -v shellcheck >/dev/null || ! command -v b3sum >/dev/null; then
    apt-get update -qq
    # jupyter-client: the host side of the kernel tests (jupyter kernelspec list, a real client); mmdebstrap: the image;
    # the shell linter for the workflow and wrapper tests; BLAKE3's reference b3sum for the block hash's test.
    apt-get install -y -qq docker.io containerd runc docker-registry busybox-static apache2-utils mmdebstrap \
      jupyter-client python3-jupyter-client shellcheck b3sum >/dev/null
  fi
  # docker compose v2 CLI plugin from the trixie suite of the same mirror, extracted under $W only.
  if [ ! -x "$W/docker-config/cli-plugins/docker-compose" ]; then
    local mirror
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    mkdir -p "$W/trixie/lists/partial" "$W/trixie/cache/archives/partial" "$W/docker-config/cli-plugins" "$W/x"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$W/trixie/sources.list"
    local ta=(-o "Dir::Etc::SourceList=$W/trixie/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$W/trixie/lists" -o "Dir::Cache=$W/trixie/cache")
    apt-get "${ta[@]}" update -qq
    (cd "$W" && apt-get "${ta[@]}" download docker-compose >/dev/null 2>&1)
    for d in "$W"/*.deb; do dpkg-deb -x "$d" "$W/x"; done
    cp "$W"/x/usr/libexec/docker/cli-plugins/docker-* "$W/docker-config/cli-plugins/"
  fi
  export DOCKER_CONFIG=$W/docker-config
  # Under $W only, pinned: the Dev Containers CLI (npm @devcontainers/cli) for the devcontainer.json tests, and rattler's
  # JavaScript package (npm @conda-org/rattler: conda/rattler compiled to WASM) that reads the shards `beacon index` writes.
  if ! command -v npm >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ ! -x "$W/node/node_modules/.bin/devcontainer" ] || [ ! -f "$W/node/node_modules/@conda-org/rattler/package.json" ]; then
    mkdir -p "$W/node"
    npm install --silent --no-audit --no-fund --prefix "$W/node" @devcontainers/cli@0.89.0 @conda-org/rattler@0.3.5 >/dev/null
  fi

  # Debian's chromium for the catalog's browser tests (PuppeteerSharp drives it; it never downloads a browser).
  if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi

  if ! docker info >/dev/null 2>&1; then
    nohup dockerd --iptables=false --ip-forward=false >"$W/dockerd.log" 2>&1 &
    echo $! >"$W/dockerd.pid"
    for _ in $(seq 1 300); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
    docker info >/dev/null
  fi

  if ! curl -sf "http://127.0.0.1:$REG_PORT/v2/" >/dev/null; then
    mkdir -p "$W/registry"
    cat >"$W/registry.yml" <<YML
version: 0.1
storage: {filesystem: {rootdirectory: $W/registry}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$REG_PORT}
YML
    nohup docker-registry serve "$W/registry.yml" >"$W/registry.log" 2>&1 &
    echo $! >"$W/registry.pid"
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$REG_PORT/v2/" >/dev/null && break; sleep 0.05; done
  fi

  if ! curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$AUTH_PORT/v2/" | grep -q 401; then
    mkdir -p "$W/registry-auth"
    htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" >"$W/htpasswd"
    cat >"$W/registry-auth.yml" <<YML
version: 0.1
storage: {filesystem: {rootdirectory: $W/registry-auth}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$AUTH_PORT}
auth: {htpasswd: {realm: beacon-test, path: $W/htpasswd}}
YML
    nohup docker-registry serve "$W/registry-auth.yml" >"$W/registry-auth.log" 2>&1 &
    echo $! >"$W/registry-auth.pid"
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$AUTH_PORT/v2/" && break; sleep 0.05; done
  fi

  if ! docker image inspect localbase/busybox:1 >/dev/null 2>&1; then
    rm -rf "$W/bbroot"; mkdir -p "$W"/bbroot/{bin,etc,tmp,proc,sys,dev,root}
    cp /bin/busybox "$W/bbroot/bin/"
    for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$W/bbroot/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$W/bbroot/etc/passwd"
    tar -C "$W/bbroot" -c . | docker import -c 'ENV PATH=/bin' - localbase/busybox:1 >/dev/null
  fi
  # A Debian base image that has a real Jupyter kernel and server (python3-ipykernel, python3-jupyter-server), made from Debian's own packages: the
  # kernel tests build a Beacon layer on it and talk to the kernel through Beacon's kernelspec.
  if ! docker image inspect localbase/debian-jupyter:1 >/dev/null 2>&1; then
    local suite mirror
    suite=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mmdebstrap --quiet --variant=essential --include=python3-ipykernel,python3-jupyter-server,jupyter-server,jupyter-core \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
      "${suite:-bookworm}" "$W/debian-jupyter.tar" "${mirror:-http://deb.debian.org/debian}"
    docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$W/debian-jupyter.tar" localbase/debian-jupyter:1 >/dev/null
    rm -f "$W/debian-jupyter.tar"
  fi
  # Debian with git and CA certificates, no shell tools beyond essentials: the in-cluster build Jobs' test image
  # (the native beacon is copied in by the test) runs their clone, checkout, await and build containers on the engine.
  if ! docker image inspect localbase/debian-git:1 >/dev/null 2>&1; then
    local suite2 mirror2
    suite2=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
    mirror2=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mmdebstrap --quiet --variant=essential --include=git,ca-certificates \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
      "${suite2:-bookworm}" "$W/debian-git.tar" "${mirror2:-http://deb.debian.org/debian}"
    docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$W/debian-git.tar" localbase/debian-git:1 >/dev/null
    rm -f "$W/debian-git.tar"
  fi
  cat >"$W/env" <<ENV
export DOCKER_CONFIG=$W/docker-config
export BEACON_TEST_REGISTRY=127.0.0.1:$REG_PORT
export BEACON_TEST_BASE_IMAGE=localbase/busybox:1
export BEACON_TEST_KERNEL_BASE_IMAGE=localbase/debian-jupyter:1
export BEACON_TEST_AUTH_REGISTRY=127.0.0.1:$AUTH_PORT
export BEACON_TEST_AUTH_USER=$AUTH_USER
export BEACON_TEST_AUTH_PASSWORD=$AUTH_PASSWORD
export BEACON_TEST_DEVCONTAINER=$W/node/node_modules/.bin/devcontainer
export BEACON_TEST_RATTLER_JS=$W/node/node_modules/@conda-org/rattler
export BEACON_TEST_CHROMIUM=/usr/bin/chromium
export BEACON_TEST_GIT_BASE_IMAGE=localbase/debian-git:1
ENV
  echo "services up: Docker $(docker version --format '{{.Server.Version}}'), registry 127.0.0.1:$REG_PORT, registry with basic auth 127.0.0.1:$AUTH_PORT; source $W/env"
}

down() {
  for p in registry registry-auth dockerd; do
    [ -f "$W/$p.pid" ] || continue
    pid=$(cat "$W/$p.pid")
    if [ "$p" = dockerd ]; then docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true; fi
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$W/$p.pid"
  done
  ip link del docker0 2>/dev/null || true
  umount /run/docker/netns/default 2>/dev/null || true
}

"${1:-up}"
