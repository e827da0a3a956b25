export { openApiDocument, httpRoutes, operationId, type HttpRoute } from './openapi';
export { architectureMermaid, DIAGRAM_LEGEND } from './diagram';
export { architectureGraph, type ArchitectureGraph, type GraphEdge, type GraphNode } from './architecture-graph';
export { layOut, type LaidOutGraph } from './architecture-layout';
export { generatedDocs, generatedFiles } from './generated-docs';
