// Replays recorded controller inputs through webroot/adaptive.js and prints each tick's outcome as
// one JSON array per line, for AdaptiveControllerTest to compare with the Java controller's.
//   node src/test/js/adaptive-replay.mjs trace.json
import './file-fetch.mjs'; // first: adaptive.js fetches its constants file while it loads
import { readFileSync } from 'node:fs';
import { AdaptiveController } from '../../../webroot/adaptive.js';

for (const trace of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  const [targetMs, topQuality, topWidth, maxFps, video = false] = trace.controller;
  const controller = new AdaptiveController(targetMs, topQuality, topWidth, maxFps, undefined, { video });
  for (const event of trace.events) {
    if (event[0] === 'reply') controller.onReply(event[1], event[2], event[3]);
    else if (event[0] === 'stats') controller.onStats(event[1], event[2], event[3]);
    else {
      const changed = controller.tick(event[1], event[2]);
      console.log(JSON.stringify([trace.name, event[1], changed, controller.levels, controller.limiter,
        controller.quality.toFixed(2), controller.width, controller.fps, controller.window, controller.bitrate]));
    }
  }
}
