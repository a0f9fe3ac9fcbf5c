# kerntop lab image: the monitor plus the tools its probes and jobs drive (bpftrace, drgn, QEMU,
# busybox for boot-test initramfs, tmux for multi-pane layouts).
#
#   docker compose up -d && docker exec -it kerntop kerntop
#
# Base images are arguments so the same file builds from Docker Hub or from local images
# (scripts/test-container.sh uses a debootstrap image, with Node added for the build). Both are
# Debian bookworm. The build image has Node 20 and npm; the runtime image needs no Node of its own:
# it gets the build image's node binary, and neither npm nor yarn (about 17 MB) ship.
ARG BUILD_IMAGE=node:20-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- TypeScript build ----------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `npm ls` after `npm ci`: some npm 10 releases exit 0 on a failed install ("Exit handler never
# called"), which would otherwise surface later as a missing module.
RUN npm ci --no-audit --no-fund --loglevel=error && npm ls --depth=0 >/dev/null
COPY . .
# Source maps are not read at run time (node runs without --enable-source-maps). Directories the
# runtime stage copies must exist even before a part of the tree lands.
RUN npx --no-install tsc -p . && find dist -name "*.map" -delete && mkdir -p python fixtures/sessions bpf-scripts \
 && mkdir -p /out && cp "$(readlink -f "$(command -v node)")" /out/node

# --- production node_modules ---------------------------------------------------------------------
# A stage of its own: its layer depends on the lockfile alone, native addons (if any) compile here
# with the build image's toolchain, and the runtime image needs neither npm nor its cache.
FROM ${BUILD_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
# Type declarations, TypeScript sources, source maps, docs and packages' own test suites are not
# read at run time (about half of node_modules).
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && npm ls --omit=dev --depth=0 >/dev/null && rm -rf /root/.npm \
 && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' \
      -o -name '*.md' ! -iname 'license*' \) -delete \
 && find node_modules -mindepth 2 -type d \( -name test -o -name tests -o -name __tests__ \) -prune -exec rm -rf {} +

# --- runtime -------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
COPY docker/dpkg-slim.cfg /etc/dpkg/dpkg.cfg.d/kerntop-slim
# kmod: modprobe kheaders on kernels without BTF; xz-utils: kernel source on such kernels (fetched
# by Node, whose own CA bundle serves: no curl, no ca-certificates); cpio, zstd: boot-test
# initramfs and compressed kernels.
# After installing: Python's byte-code caches (13 MB; Python rebuilds what it imports, in the
# container's layer) and stdlib parts no lab script imports (IDE, test suite, 2to3, tk).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      bpftrace python3-drgn qemu-system-x86 busybox-static tmux util-linux \
      kmod xz-utils cpio zstd \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/cache/debconf/*-old \
      /var/log/apt/* /var/log/dpkg.log \
 && find /usr/lib/python3* -depth -name __pycache__ -type d -exec rm -rf {} + \
 && rm -rf /usr/lib/python3.*/test /usr/lib/python3.*/idlelib /usr/lib/python3.*/turtledemo \
      /usr/lib/python3.*/lib2to3 /usr/lib/python3.*/tkinter /usr/lib/python3.*/pydoc_data

COPY --from=build /out/node /usr/local/bin/node
WORKDIR /opt/kerntop
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/package.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/bpf-scripts ./bpf-scripts
COPY --from=build /src/python ./python
COPY --from=build /src/fixtures/sessions ./fixtures/sessions
COPY docker/entrypoint.sh /usr/local/sbin/kerntop-entrypoint
COPY docker/kernel-headers.sh /usr/local/sbin/kerntop-kernel-headers
COPY docker/kerntop.sh /usr/local/bin/kerntop
COPY docker/kerntop-tmux.sh /usr/local/bin/kerntop-tmux
COPY docker/fetch.mjs /usr/local/lib/kerntop/fetch.mjs
RUN chmod 0755 /usr/local/sbin/kerntop-entrypoint /usr/local/sbin/kerntop-kernel-headers \
      /usr/local/bin/kerntop /usr/local/bin/kerntop-tmux bin/kerntop \
 && /usr/local/bin/kerntop --version

# Headers prepared for kernels without BTF survive restarts here (a named volume in compose).
VOLUME /var/cache/kerntop
ENTRYPOINT ["/usr/local/sbin/kerntop-entrypoint"]
# The container only has to stay up; users come in with `docker exec -it kerntop kerntop`.
CMD ["sleep", "infinity"]
