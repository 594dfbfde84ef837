// Listen buttons in the translation editor: each message's own (it reads the text in the box, as the kiosk
// would, before it is saved), and the pronunciation panel's. Without JavaScript each is a plain link to
// the audio of the saved text. One clip plays at a time; pressing the playing button again stops it.
"use strict";

(function () {
  const audio = new Audio();
  let playing = null;  // the link whose clip is playing
  let controller = null;
  let lastUrl = null;

  function say(link, message) {
    const status = document.getElementById(link.dataset.soundStatus || "");
    if (status) status.textContent = message;
  }

  function stop() {
    if (controller) controller.abort();
    controller = null;
    audio.pause();
    audio.removeAttribute("src");
    if (lastUrl) URL.revokeObjectURL(lastUrl);
    lastUrl = null;
    if (playing) delete playing.dataset.playing;
    playing = null;
  }

  /** The address to play: the link's, with the text now in the box or the form's fields. */
  function address(link) {
    const url = new URL(link.href, document.baseURI);
    const box = link.dataset.soundText && document.getElementById(link.dataset.soundText);
    if (box) url.searchParams.set("text", box.value);
    const form = link.dataset.soundForm && document.getElementById(link.dataset.soundForm);
    if (form) {
      url.searchParams.set("word", form.elements.word.value);
      url.searchParams.set("replacement", form.elements.replacement.value);
    }
    return url;
  }

  async function play(link) {
    stop();
    playing = link;
    link.dataset.playing = "";
    say(link, "");
    controller = new AbortController();
    const mine = controller;
    try {
      const response = await fetch(address(link), { signal: mine.signal, credentials: "same-origin" });
      if (!response.ok) {
        let message = response.statusText;
        try { message = (await response.json()).error || message; } catch (error) { /* not JSON */ }
        throw new Error(message);
      }
      const blob = await response.blob();
      if (mine !== controller) return;
      lastUrl = URL.createObjectURL(blob);
      audio.src = lastUrl;
      await audio.play();
      link.dispatchEvent(new CustomEvent("editor:sound-playing", { bubbles: true }));
    } catch (error) {
      if (error.name === "AbortError" || mine !== controller) return;
      say(link, error.message);
      stop();
    }
  }

  audio.addEventListener("ended", () => { if (playing) delete playing.dataset.playing; playing = null; });

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-sound-listen]");
    if (!link) return;
    event.preventDefault();
    if (playing === link) stop(); else play(link);
  });
})();
