// A stand-in for the Twilio Voice SDK chunk (assets/twilio-voice-<hash>.js), served by the browser
// tests in place of the real one. It exports the `Device` the app uses and writes down every call
// the app makes into `window.__voice.log`; `window.__voice.device.ring(from)` rings it, and
// `window.__voice.call.emit(event)` plays what the other end does (answers, hangs up).
const voice = (window.__voice = { log: [], device: null, call: null });
const note = (...entry) => voice.log.push(entry);

class Emitter {
  constructor() {
    this.handlers = {};
  }
  on(event, handler) {
    (this.handlers[event] ??= []).push(handler);
    return this;
  }
  emit(event, ...args) {
    for (const handler of this.handlers[event] ?? []) handler(...args);
  }
}

class Call extends Emitter {
  constructor(parameters) {
    super();
    this.parameters = parameters;
    voice.call = this;
  }
  accept() {
    note("accept");
    this.emit("accept", this);
  }
  reject() {
    note("reject");
    this.emit("reject");
  }
  disconnect() {
    note("disconnect");
    this.emit("disconnect", this);
  }
  mute(muted) {
    note("mute", muted);
  }
  sendDigits(digits) {
    note("sendDigits", digits);
  }
}

export class Device extends Emitter {
  constructor(token, options) {
    super();
    note("new Device", token, options ?? null);
    voice.device = this;
  }
  async register() {
    note("register");
    this.emit("registered");
  }
  async unregister() {
    note("unregister");
    this.emit("unregistered");
  }
  async connect(options) {
    note("connect", options.params);
    return new Call({ To: options.params.To });
  }
  updateToken(token) {
    note("updateToken", token);
  }
  destroy() {
    note("destroy");
  }
  ring(from) {
    this.emit("incoming", new Call({ From: from, To: "client:alice", CallSid: "CA-double" }));
  }
}
