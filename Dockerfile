# The work-order worker (and, from the same image, the codec server); the TOP sandbox, a stand-in gateway for
# trials, is a target of its own and never in the worker's image.
# Build: docker build -t taobao-work-orders .   Sandbox: docker build --target sandbox -t taobao-work-orders-sandbox .
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY scripts scripts
# Compiled sources plus the prebuilt workflow bundle (same @temporalio/worker version as at run time); the
# sandbox's compiled code set aside for its own target.
RUN npm run build && npm prune --omit=dev && mkdir /sandbox && mv dist/src/sandbox /sandbox/

FROM node:24.21.0-bookworm-slim AS sandbox
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /sandbox/sandbox dist/src/sandbox
USER node
CMD ["node", "dist/src/sandbox/main.js"]

# The default target: the worker's image.
FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
USER node
CMD ["node", "dist/src/worker.js"]
