// Plays the core's sound: keeps a short queue of chunks sent by the page and asks for
// more, one request at a time, whenever it runs below its mark. The page's resampler
// follows how fast this clock drains it.
const CHUNK_FRAMES = 1024;
const LOW_MARK = 2048;

class HeirloomAudio extends AudioWorkletProcessor {
  constructor() {
    super();
    this.chunks = [];
    this.offset = 0;
    this.queued = 0;
    this.asking = false;
    this.port.onmessage = (event) => {
      this.chunks.push(event.data);
      this.queued += event.data.length / 2;
      this.asking = false;
    };
  }

  process(_inputs, outputs) {
    const [left, right = left] = outputs[0];
    for (let i = 0; i < left.length; i += 1) {
      const chunk = this.chunks[0];
      if (!chunk) { left[i] = 0; right[i] = 0; continue; }
      left[i] = chunk[this.offset];
      right[i] = chunk[this.offset + 1];
      this.offset += 2;
      this.queued -= 1;
      if (this.offset >= chunk.length) { this.chunks.shift(); this.offset = 0; }
    }
    if (!this.asking && this.queued < LOW_MARK) {
      this.asking = true;
      this.port.postMessage(CHUNK_FRAMES);
    }
    return true;
  }
}

registerProcessor('heirloom-audio', HeirloomAudio);
