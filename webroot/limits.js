// The server's limits from hello (docs/PROTOCOL.md: hello.limits), as a client honours them:
// no faster than maxFps, no frame over maxWidth × maxHeight or maxPixels, no message over
// maxMessageBytes (the server would close the session with 1009).

/** The frame rate to send at: the caller's, capped by the server's maxFps (0 or absent: no cap). */
export function effectiveMaxFps(requestedFps, limits) {
  const cap = limits && limits.maxFps > 0 ? limits.maxFps : Infinity;
  return Math.max(1, Math.min(requestedFps, cap));
}

/** The largest size of width × height's aspect ratio within the server's size limits, even in both. */
export function fitToLimits(width, height, limits) {
  let scale = 1;
  if (limits && limits.maxWidth > 0) scale = Math.min(scale, limits.maxWidth / width);
  if (limits && limits.maxHeight > 0) scale = Math.min(scale, limits.maxHeight / height);
  if (limits && limits.maxPixels > 0) scale = Math.min(scale, Math.sqrt(limits.maxPixels / (width * height)));
  if (scale >= 1) return { width, height };
  const even = (n) => Math.max(2, Math.floor((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

/** Whether a binary message of this many bytes is within maxMessageBytes (absent: no limit known). */
export function fitsInMessage(bytes, limits) {
  return !(limits && limits.maxMessageBytes > 0) || bytes <= limits.maxMessageBytes;
}
