// Rendered outputs: preview still, video player and download. The files are behind
// authentication, and <img>/<video> cannot send our headers, so each file is fetched
// with them and shown from a blob: URL (revoked when the view goes away).

import { bytesText, h, msText, timeEl } from "./dom.js";

const VIDEO = /\.(mp4|m4v|webm)$/i;
const IMAGE = /\.(png|jpe?g|webp|gif)$/i;

function fileName(path) {
  return String(path).split(/[\\/]/).pop() || "output";
}

export class OutputGallery {
  constructor(ctx) {
    this.ctx = ctx;
    this.urls = [];
  }

  dispose() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }

  async objectUrl(instructionId, query) {
    const blob = await this.ctx.api.blob(`/api/v1/render/${instructionId}/output`, query);
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    return url;
  }

  /** 404: no such route or no completed output; 410: the file is gone from the disk. */
  static failure(error, what) {
    if (error.status === 404 || error.status === 410) {
      return `${what} not available${error.notAvailable ? " on this hub" : `: ${error.message}`}`;
    }
    return `${what} failed: ${error.message}`;
  }

  /**
   * The outputs of one instruction. The output route serves the instruction's latest
   * file, so only the newest completed output gets a preview and player.
   */
  render(instructionId, outputs) {
    if (!outputs || outputs.length === 0) return h("p", { class: "empty", testid: "no-outputs" }, "No output recorded yet.");
    const newest = [...outputs].reverse().find((o) => o.status === "completed");
    return h(
      "div",
      { class: "outputs", testid: `outputs-${instructionId}` },
      outputs.map((output) => this.renderOne(instructionId, output, output === newest)),
    );
  }

  renderOne(instructionId, output, live) {
    const note = h("p", { class: "muted small", testid: "output-note", "aria-live": "polite" });
    const media = h("div", {});
    const parts = [
      h(
        "dl",
        { class: "kv small" },
        h("dt", {}, "file"),
        h("dd", { class: "mono" }, output.output_path),
        h("dt", {}, "attempt"),
        h("dd", {}, String(output.attempt)),
        h("dt", {}, "status"),
        h("dd", {}, output.status),
        h("dt", {}, "size"),
        h("dd", {}, bytesText(output.file_size)),
        h("dt", {}, "frames"),
        h("dd", {}, output.frame_count ?? "—"),
        h("dt", {}, "render time"),
        h("dd", {}, msText(output.render_duration_ms)),
        h("dt", {}, "completed"),
        h("dd", {}, timeEl(output.completed_at)),
        output.error_message ? [h("dt", {}, "error"), h("dd", { class: "form-error" }, output.error_message)] : null,
      ),
    ];
    if (live) {
      const image = h("img", { alt: `Preview of ${fileName(output.output_path)}`, hidden: true, testid: "output-preview" });
      media.append(image);
      this.objectUrl(instructionId, { preview: 1 }).then(
        (url) => {
          image.src = url;
          image.hidden = false;
        },
        (error) => {
          note.textContent = OutputGallery.failure(error, "Preview");
        },
      );
      const buttons = h("div", { class: "actionbar" });
      if (VIDEO.test(output.output_path)) {
        const play = h("button", { type: "button", testid: "output-play" }, "Play video");
        play.addEventListener("click", async () => {
          play.disabled = true;
          try {
            const url = await this.objectUrl(instructionId);
            const video = h("video", { controls: true, autoplay: true, muted: true, testid: "output-video" });
            video.src = url;
            image.replaceWith(video);
            play.remove();
          } catch (error) {
            note.textContent = OutputGallery.failure(error, "Video");
            play.disabled = false;
          }
        });
        buttons.append(play);
      }
      const download = h("button", { type: "button", testid: "output-download" }, IMAGE.test(output.output_path) ? "Open full image" : "Download");
      download.addEventListener("click", async () => {
        try {
          const blob = await this.ctx.api.blob(`/api/v1/render/${instructionId}/output`);
          const url = URL.createObjectURL(blob);
          this.urls.push(url);
          // A PNG sequence (a folder) arrives as a zip of its frames.
          const name = blob.type === "application/zip" ? `render-${instructionId}-frames.zip` : fileName(output.output_path);
          const link = h("a", { href: url, download: name });
          document.body.append(link);
          link.click();
          link.remove();
        } catch (error) {
          note.textContent = OutputGallery.failure(error, "Download");
        }
      });
      buttons.append(download);
      parts.push(media, buttons, note);
    }
    return h("figure", { class: "output panel", testid: `output-${output.id}` }, parts);
  }
}
