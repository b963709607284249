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
ENV APP=${APP}
USER node
# `exec` so the app is PID 1's only child and receives SIGTERM from `docker compose stop`.
CMD ["sh", "-c", "exec node --import tsx apps/${APP}/src/main.ts"]
