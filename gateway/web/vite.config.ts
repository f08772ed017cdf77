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
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: Number(process.env.WEB_DEV_PORT || 5173),
    proxy: { "/api": { target: gateway, changeOrigin: false }, "/readyz": gateway },
  },
});
