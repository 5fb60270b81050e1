// A tiny static server for the built site, bound to 127.0.0.1: directory
// indexes, the site's 404.html with status 404, gzip when asked for (as any
// real host would, so Lighthouse measures what readers get).
// Usage: node serve.mjs <dir> <port>; prints "ready <port>" once listening.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";

const root = normalize(process.argv[2]);
const port = Number(process.argv[3] || 0);
const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".txt": "text/plain; charset=utf-8",
  ".bib": "text/plain; charset=utf-8",
  ".ris": "text/plain; charset=utf-8",
  ".gz": "application/gzip",
};

async function resolve(urlPath) {
  const decoded = decodeURIComponent(urlPath.split("?")[0]);
  const path = normalize(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    const s = await stat(path);
    if (s.isDirectory()) {
      const index = join(path, "index.html");
      await stat(index);
      return index;
    }
    return path;
  } catch {
    return null;
  }
}

const server = createServer(async (req, res) => {
  let status = 200;
  let file = await resolve(req.url);
  if (!file) {
    status = 404;
    file = join(root, "404.html");
  }
  let body;
  try {
    body = await readFile(file);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const type = types[extname(file)] || "application/octet-stream";
  const headers = { "content-type": type, "cache-control": "max-age=31536000" };
  if (/gzip/.test(req.headers["accept-encoding"] || "") && /text|json|xml|svg/.test(type)) {
    body = gzipSync(body);
    headers["content-encoding"] = "gzip";
  }
  res.writeHead(status, headers).end(body);
});
server.listen(port, "127.0.0.1", () => {
  console.log(`ready ${server.address().port}`);
});
