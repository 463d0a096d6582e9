# The image `refs scan --k8s` and `refs compute --k8s` name (README: "Container image"): the compiled CLI and its
# runtime dependencies only, run as the non-root `node` user (uid 1000, which the printed Jobs ask for).
# test/pipelines/dockerfile.test.ts replays these steps in a clean folder, since no Docker daemon runs in CI.

# Build: every dependency (TypeScript), then dist/ from the sources.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# no scripts here: the package's `prepare` builds from sources not copied yet, and the build needs no native module
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY refs ./refs
COPY scanner ./scanner
COPY compute ./compute
COPY catalog-api ./catalog-api
COPY pipelines ./pipelines
RUN npm run build

# Runtime: production dependencies as locked, and the built JavaScript.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
# scripts off (the package's own `prepare` needs the sources), then better-sqlite3's installer, which fetches its
# prebuilt binary; npm's cache stays out of the image
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY --from=build /src/dist ./dist
RUN mkdir -p bin && ln -sf ../dist/pipelines/cli/bin.js bin/refs && chmod 755 dist/pipelines/cli/bin.js
ENV PATH=/app/bin:$PATH
USER node
WORKDIR /home/node
ENTRYPOINT ["refs"]
CMD ["--help"]
