import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build goes where the gateway serves it (gateway/gateway/routes/web.py); it is not committed.
// Dev server: `GATEWAY_URL=http://127.0.0.1:8080 npm run dev` proxies the API of a running suite.
const gateway = process.env.GATEWAY_URL || "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../gateway/static/app",
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      output: {
        // React, ReactDOM and the router in a chunk of their own: it keeps its hash (and the browser's cached copy)
        // across deploys that change only the app. The pages are split by their dynamic imports (src/app/lazyPage.ts).
        manualChunks(id) {
          if (/[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|@remix-run[\\/]router)[\\/]/.test(id)) {
            return "vendor";
          }
          return undefined;
        },
      },
    },
  },
  server: {
    port: Number(process.env.WEB_DEV_PORT || 5173),
    proxy: { "/api": { target: gateway, changeOrigin: false }, "/readyz": gateway },
  },
});
