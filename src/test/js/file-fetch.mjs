// Node's fetch does not read file: URLs, and webroot/adaptive.js fetches adaptive-constants.json
// beside itself: import this module before any webroot module so that such a fetch reads the file
// from disk (the same file the browser gets over HTTP and Java reads). Other URLs go to node's fetch.
import { readFile } from 'node:fs/promises';

const networkFetch = globalThis.fetch;

globalThis.fetch = async (resource, init) => {
  const url = new URL(resource instanceof Request ? resource.url : resource);
  if (url.protocol !== 'file:') return networkFetch(resource, init);
  try {
    return new Response(await readFile(url), { status: 200, headers: { 'Content-Type': 'application/json' } });
  } catch (e) {
    return new Response(e.message, { status: 404 });
  }
};
