/**
 * The one way the site's browser loaders (cora-browser.ts, tf-data-browser.ts) read a gzipped file
 * the site serves: fetch it whole, then gunzip with the browser's DecompressionStream. Piping the
 * response body straight into the decompressor lets the browser abort the request once the gzip
 * member ends (net::ERR_ABORTED in the browser test), so the body is read to its end first.
 */
export async function fetchGunzipText(url: URL, caller: string): Promise<string> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`${caller}: ${url.pathname}: HTTP ${res.status}`)
  const gz = new Blob([await res.arrayBuffer()])
  return new Response(gz.stream().pipeThrough(new DecompressionStream('gzip'))).text()
}
