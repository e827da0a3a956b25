export { openApiDocument, httpRoutes, type HttpRoute } from './openapi';
export { architectureMermaid, DIAGRAM_LEGEND } from './diagram';
export { generatedDocs } from './generated-docs';
