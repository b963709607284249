# syntax=docker/dockerfile:1
# One image for every Warden app; `APP` picks which one a container runs. The build stage compiles the
# four apps (dist/apps/<app>/main.js, with the files they read beside them) and the web console; the
# runtime stage holds only the production dependencies and that output, and runs as `node`.

FROM node:24-bookworm-slim AS build
WORKDIR /warden
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools/build ./tools/build
RUN node tools/build/build-apps.mjs && node apps/console/build.mjs

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /warden
COPY package.json package-lock.json ./
# No install script runs: none is needed at run time. msgpackr-extract's only compiles its native
# add-on when no prebuilt one fits (the prebuilt one is an optional dependency, installed as is), and
# @scarf/scarf's, which swagger-ui-dist pulls in, only reports the installation to its vendor.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /warden/dist ./dist
# The gateway serves the web console's static build at /console, from apps/console/dist.
COPY --from=build /warden/apps/console/dist ./apps/console/dist
ARG APP=gateway
# A container's loopback is its own: listen on its network interface, or no other container reaches
# the app. The operations server (ADMIN_PORT) stays on loopback unless ADMIN_HOST opens it.
ENV APP=${APP} \
    HOST=0.0.0.0
USER node
# `exec` so the app replaces the shell and receives SIGTERM from `docker compose stop` (compose runs
# an init as PID 1, `init: true`).
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${APP}/main.js"]
