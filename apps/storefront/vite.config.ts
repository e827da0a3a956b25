import { defineConfig, type Plugin } from 'vite';

/**
 * The storefront builds to dist/web/storefront: static files that any host serves (the local
 * cloud under `npm start`, CloudFront and S3 on AWS). The API's URL is not baked in: the app
 * reads `config.json` beside index.html when it starts, so one build serves every stage.
 */
export default defineConfig({
  // Preact's JSX without a plugin: esbuild compiles it to preact/jsx-runtime calls.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../dist/web/storefront',
    emptyOutDir: true,
    target: 'es2022',
    // Small enough to read in the network panel; the web-size check measures gzip anyway.
    reportCompressedSize: false,
    sourcemap: true,
  },
  plugins: [devConfig()],
});

/** `vite` (dev): answers config.json from SHOP_API_URL, as the local cloud's web server does under `npm start`. */
function devConfig(): Plugin {
  return {
    name: 'shop-dev-config',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/config.json', (_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ apiUrl: process.env['SHOP_API_URL'] ?? 'http://127.0.0.1:3000', localCloud: true }));
      });
    },
  };
}
