/* The waiting-room display (gh-7 item 4).
 *
 * Follows the center's events (Server-Sent Events; EventSource reconnects by itself
 * and sends Last-Event-ID, so the server replays what was missed), polls the state
 * now and then (every 5 s while the stream is down), keeps the last state on screen
 * and says "Đang kết nối lại…" while the server is unreachable. Each call is shown
 * large and announced: a chime made with WebAudio, then the sentence through the
 * browser's speech synthesis in the page's language.
 *
 * Browsers play sound only after a person has touched the page (or when the TV's
 * browser is started with --autoplay-policy=no-user-gesture-required): until then a
 * "turn the sound on" button is shown.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-display]");
  if (!root) return;
  var textsNode = document.getElementById("qd-texts");
  var T = textsNode ? JSON.parse(textsNode.textContent) : {};
  var lang = (document.documentElement.lang || "vi").toLowerCase();
  var speechLang = lang.indexOf("en") === 0 ? "en-US" : "vi-VN";

  var streamUrl = root.dataset.streamUrl;
  var stateUrl = root.dataset.stateUrl;
  var lastId = root.dataset.cursor || "";
  var statusNode = root.querySelector("[data-status]");
  var soundButton = root.querySelector("[data-sound]");
  var clockNode = root.querySelector("[data-clock]");

  var POLL_ONLINE_MS = 30000;
  var POLL_OFFLINE_MS = 5000;
  var SILENCE_MS = 40000; // no event nor ping for this long: the stream is dead

  var source = null;
  var online = null; // not known yet
  var lastSeen = Date.now();
  var lastStateAt = "";
  var pollTimer = null;

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // --- Status -------------------------------------------------------------------------------------
  function setOnline(value) {
    if (online === value) return;
    online = value;
    root.dataset.online = value ? "yes" : "no";
    statusNode.textContent = value ? T.online : T.reconnecting;
    statusNode.classList.toggle("qd-status-offline", !value);
    schedulePoll();
  }

  // --- Rendering ----------------------------------------------------------------------------------
  function renderCounters(counters) {
    var body = root.querySelector("[data-counters]");
    if (!body) return;
    var rows = document.createDocumentFragment();
    (counters || []).forEach(function (c) {
      var tr = el("tr", "qd-counter-" + (c.state || "closed"));
      tr.appendChild(el("th", "", c.number)).setAttribute("scope", "row");
      tr.appendChild(el("td", "qd-ticket", c.ticket || "—"));
      var label = c.ticket
        ? c.service
        : ((T.states || {})[c.state] || "") + (c.pause_reason ? ": " + c.pause_reason : "");
      tr.appendChild(el("td", "", label));
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
  }

  function renderCalls(calls) {
    var list = root.querySelector("[data-calls]");
    if (!list) return;
    var items = document.createDocumentFragment();
    (calls || []).forEach(function (call, index) {
      var li = el("li", index === 0 ? "qd-call-new" : "");
      li.appendChild(el("span", "qd-call-number", call.ticket));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "qd-call-counter", format(T.counter, { number: call.counter })));
      items.appendChild(li);
    });
    list.replaceChildren(items);
  }

  function renderWaiting(waiting) {
    var list = root.querySelector("[data-waiting]");
    if (!list) return;
    var items = document.createDocumentFragment();
    (waiting || []).forEach(function (service) {
      var li = el("li", "qd-service");
      li.appendChild(el("h3", "", service.prefix + " – " + service.service));
      li.appendChild(el("p", "qd-count", format(T.waiting, { count: service.count })));
      var next = el("ol", "qd-next");
      (service.next || []).forEach(function (number) {
        next.appendChild(el("li", "", number));
      });
      li.appendChild(next);
      items.appendChild(li);
    });
    list.replaceChildren(items);
  }

  function renderLatest(call, fresh) {
    var box = root.querySelector("[data-latest]");
    if (!box) return;
    var nodes = [];
    if (call && call.ticket) {
      nodes.push(el("p", "qd-latest-number", call.ticket));
      nodes.push(el("p", "qd-latest-text", format(T.call, { number: call.ticket, counter: call.counter })));
    } else {
      nodes.push(el("p", "qd-latest-text", T.no_calls));
    }
    box.replaceChildren.apply(box, nodes);
    if (fresh) {
      box.classList.remove("qd-flash");
      void box.offsetWidth; // restart the animation
      box.classList.add("qd-flash");
    }
  }

  function render(state, fresh) {
    if (!state) return;
    // Never go back to an older state (a slow poll answering after a newer event).
    if (state.at && lastStateAt && state.at < lastStateAt) return;
    lastStateAt = state.at || lastStateAt;
    var empty = root.querySelector(".qd-empty");
    if (empty) empty.remove();
    renderCounters(state.counters);
    renderCalls(state.last_calls);
    renderWaiting(state.waiting);
    renderLatest((state.last_calls || [])[0], fresh);
  }

  // --- Sound --------------------------------------------------------------------------------------
  var audio = null;
  var voiceQueue = [];
  var speaking = false;

  function audioContext() {
    if (audio) return audio;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    try {
      audio = new Ctx();
    } catch (_e) {
      audio = null;
    }
    return audio;
  }

  function soundReady() {
    var ctx = audioContext();
    return Boolean(ctx && ctx.state === "running");
  }

  function updateSoundButton() {
    soundButton.hidden = soundReady();
  }

  // A two-tone "ding-dong": two sine notes with a soft attack and an exponential decay.
  function chime() {
    var ctx = audioContext();
    if (!ctx || ctx.state !== "running") return 0;
    var start = ctx.currentTime + 0.05;
    [[659.25, 0], [523.25, 0.45]].forEach(function (note) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = note[0];
      var t = start + note[1];
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.5, t + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.9);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 1);
    });
    return 1300; // ms until the chime has faded
  }

  // "A023" is read letter by letter and digit by digit: "A không hai ba".
  function spoken(number) {
    return String(number || "").replace(/([A-Za-z]+)(\d+)/, function (_m, letters, digits) {
      return letters.split("").join(" ") + ", " + digits.split("").join(" ");
    });
  }

  function pickVoice() {
    if (!window.speechSynthesis) return null;
    var voices = window.speechSynthesis.getVoices() || [];
    var prefix = speechLang.slice(0, 2);
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").toLowerCase().indexOf(prefix) === 0) return voices[i];
    }
    return null;
  }

  function playNext() {
    if (speaking || !voiceQueue.length) return;
    speaking = true;
    var sentence = voiceQueue.shift();
    var wait = chime();
    window.setTimeout(function () {
      var done = function () {
        speaking = false;
        playNext();
      };
      if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) {
        done();
        return;
      }
      var utterance = new SpeechSynthesisUtterance(sentence);
      utterance.lang = speechLang;
      var voice = pickVoice();
      if (voice) utterance.voice = voice;
      utterance.rate = 0.9;
      utterance.onend = done;
      utterance.onerror = done;
      // Never stall the queue if the engine stays silent.
      window.setTimeout(function () {
        if (speaking) done();
      }, 12000);
      window.speechSynthesis.speak(utterance);
    }, wait);
  }

  function announce(number, counter) {
    if (!number) return;
    root.dataset.lastAnnouncement = format(T.call, { number: number, counter: counter });
    root.dataset.announcements = String(Number(root.dataset.announcements || 0) + 1);
    if (!soundReady()) return;
    voiceQueue.push(format(T.call, { number: spoken(number), counter: counter }));
    playNext();
  }

  soundButton.addEventListener("click", function () {
    var ctx = audioContext();
    if (ctx && ctx.resume) ctx.resume().then(updateSoundButton, updateSoundButton);
    if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
      // Speaking once inside the click unlocks speech synthesis for this page.
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(" "));
    }
    updateSoundButton();
  });
  updateSoundButton();

  // --- Events -------------------------------------------------------------------------------------
  // A "replay" event is a call missed long ago (the server decides): shown, not said.
  function onMessage(message) {
    lastSeen = Date.now();
    if (message.lastEventId) lastId = message.lastEventId;
    setOnline(true);
    var data;
    try {
      data = JSON.parse(message.data);
    } catch (_e) {
      return;
    }
    var event = data.event || {};
    var isCall = event.type === "call" || event.type === "recall";
    if (data.state) {
      render(data.state, isCall);
    } else {
      poll();
    }
    if (isCall && message.type !== "replay") {
      var first = ((data.state || {}).last_calls || [])[0] || {};
      announce(event.number || first.ticket, event.counter || first.counter);
    }
  }

  function connect() {
    if (!window.EventSource) return;
    if (source) source.close();
    var url = streamUrl + (lastId ? "?since=" + encodeURIComponent(lastId) : "");
    source = new EventSource(url);
    lastSeen = Date.now();
    source.onopen = function () {
      lastSeen = Date.now();
      setOnline(true);
    };
    source.onmessage = onMessage;
    source.addEventListener("replay", onMessage);
    source.addEventListener("ping", function () {
      lastSeen = Date.now();
      setOnline(true);
    });
    source.onerror = function () {
      // A stream that ends (the server renews it every few minutes) reconnects within
      // seconds: say "reconnecting" only if it is still down a little later.
      window.setTimeout(function () {
        if (!source || source.readyState !== EventSource.OPEN) setOnline(false);
      }, 4000);
      // CLOSED: the browser gave up (an error status): start again ourselves.
      if (source && source.readyState === EventSource.CLOSED) {
        window.setTimeout(connect, 3000);
      }
    };
  }

  // A stream that stays silent longer than the server's ping interval is dead even if
  // the browser has not noticed (a proxy that dropped it): reconnect from the last id.
  window.setInterval(function () {
    if (source && Date.now() - lastSeen > SILENCE_MS) {
      setOnline(false);
      connect();
    }
  }, 5000);

  // --- State poll ---------------------------------------------------------------------------------
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", stateUrl);
    request.setRequestHeader("Accept", "application/json");
    request.timeout = 8000;
    request.onload = function () {
      if (request.status !== 200) return;
      try {
        var body = JSON.parse(request.responseText);
        render(body.state, false);
        if (!window.EventSource) setOnline(true);
      } catch (_e) {
        /* keep the last state */
      }
    };
    request.onerror = request.ontimeout = function () {
      setOnline(false);
    };
    request.send();
  }

  function schedulePoll() {
    if (pollTimer) window.clearInterval(pollTimer);
    pollTimer = window.setInterval(poll, online ? POLL_ONLINE_MS : POLL_OFFLINE_MS);
  }

  // --- Clock --------------------------------------------------------------------------------------
  function tick() {
    var now = new Date();
    clockNode.textContent =
      String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }
  window.setInterval(tick, 10000);
  tick();

  schedulePoll(); // "connecting…" stays until the stream opens or fails
  connect();
})();
