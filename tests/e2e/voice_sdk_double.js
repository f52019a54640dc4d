// A stand-in for the Twilio Voice SDK chunk (assets/twilio-voice-<hash>.js), served by the browser
// tests in place of the real one. It exports the `Device` the app uses and writes down every call
// the app makes into `window.__voice.log`; `window.__voice.device.ring(from, callerSid)` rings it,
// and `window.__voice.call.emit(event)` plays what the other end does (answers, hangs up).
//
// As in SDK 2.x: an incoming call names the caller's CallSid in `customParameters` (the API's
// TwiML puts it in a <Parameter> of the <Client>), and its own leg's CallSid in `parameters`; an
// outgoing call learns its CallSid (`parameters.CallSid`) once answered. The test reads that one
// beforehand from `window.__voice.call.legSid`, to play the webhook Twilio would send.
const voice = (window.__voice = { log: [], device: null, call: null });
const note = (...entry) => voice.log.push(entry);

function newCallSid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "CA" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

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
  constructor({ parameters = {}, customParameters = new Map(), legSid = parameters.CallSid }) {
    super();
    this.parameters = parameters;
    this.customParameters = customParameters;
    this.legSid = legSid;
    voice.call = this;
  }
  emit(event, ...args) {
    if (event === "accept") this.parameters = { ...this.parameters, CallSid: this.legSid };
    super.emit(event, ...args);
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
    return new Call({ customParameters: new Map(Object.entries(options.params)), legSid: newCallSid() });
  }
  updateToken(token) {
    note("updateToken", token);
  }
  destroy() {
    note("destroy");
  }
  ring(from, callerSid) {
    const parameters = { From: from, To: "client:alice", CallSid: newCallSid() };
    const customParameters = new Map(callerSid ? [["callSid", callerSid]] : []);
    this.emit("incoming", new Call({ parameters, customParameters }));
  }
}
