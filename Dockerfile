# One image for every Warden app; `APP` picks which one a container runs.
# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS deps
WORKDIR /warden
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    TSX_TSCONFIG_PATH=/warden/tsconfig.base.json
WORKDIR /warden
COPY --from=deps /warden/node_modules ./node_modules
COPY package.json tsconfig.base.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools ./tools
# The gateway serves the web console's static build at /console.
RUN node apps/console/build.mjs
ARG APP=gateway
# A container's loopback is its own: listen on its network interface, or no other container reaches
# the app. The operations server (ADMIN_PORT) stays on loopback unless ADMIN_HOST opens it.
ENV APP=${APP} \
    HOST=0.0.0.0
USER node
# `exec` so the app is PID 1's only child and receives SIGTERM from `docker compose stop`.
CMD ["sh", "-c", "exec node --import tsx apps/${APP}/src/main.ts"]
