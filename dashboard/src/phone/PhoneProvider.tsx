/**
 * The softphone (C4, C5): one Twilio Voice Device per signed-in tab, shared by every page through
 * context, so a call goes on while the rep moves around the app.
 *
 * Online means the Device is registered (incoming calls ring here) and the API is told so every
 * minute (presence lapses after 90 s without news). Outgoing calls need no registration: the
 * Device is created on first use, from a token the API signs. Whether the stack can sign one is
 * asked up front (GET /api/voice/status): without Twilio credentials the phone says so, and what
 * to set, before any try; a token refused anyway (409 `voice_not_configured`) says the same.
 *
 * The API knows a call by the caller's CallSid: an incoming call names it in a custom parameter
 * (the browser's leg has a CallSid of its own); an outgoing call is the browser's leg itself.
 */

import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import {
  declineCall,
  getVoiceStatus,
  getVoiceToken,
  goOfflineWhileLeaving,
  search,
  setPresence,
} from "../api/endpoints";
import type { RecordKind, VoiceSetting } from "../api/types";
import { formatPhone } from "../format";
import { sentence } from "../records/fields";
import { loadDevice, type Call, type Device } from "./voiceSdk";

const HEARTBEAT_MS = 60_000;
/** The custom parameter of an incoming call that names the caller's CallSid (the API's TwiML). */
const CALLER_SID_PARAMETER = "callSid";

export type Availability = "offline" | "starting" | "online" | "not_configured";

export type PartyRecord = { id: string; kind: RecordKind; display_name: string };

/** Who is on the other end: a number, and the lead or contact it belongs to when known. */
export type Party = { number: string; record: PartyRecord | null };

export type LiveCall = {
  direction: "inbound" | "outbound";
  party: Party;
  /** ringing: an incoming call not taken yet; connecting: an outgoing one not answered yet. */
  stage: "ringing" | "connecting" | "in-call";
  answeredAt: number | null;
  muted: boolean;
  notes: string;
};

/** A call that just ended, waiting for its summary (C8). */
export type FinishedCall = {
  /** The CallSid the API keeps the call under; null if Twilio never named it. */
  callSid: string | null;
  direction: "inbound" | "outbound";
  party: Party;
  answered: boolean;
  seconds: number;
  notes: string;
};

export function partyName(party: Party): string {
  return party.record?.display_name || formatPhone(party.number) || "Unknown caller";
}

export type Phone = {
  availability: Availability;
  /** While not configured: the settings the stack lacks (empty when only a refused token told). */
  missing: VoiceSetting[];
  problem: string | null;
  call: LiveCall | null;
  finished: FinishedCall | null;
  panelOpen: boolean;
  goOnline: () => Promise<void>;
  goOffline: () => void;
  dial: (number: string, record: PartyRecord | null) => Promise<void>;
  accept: () => void;
  /** Tells the API first, so that the caller gets voicemail rather than the forwarding number. */
  decline: () => Promise<void>;
  /** Refuses the browser leg only: Twilio then asks the API what follows, the forwarding number. */
  sendOn: () => void;
  hangUp: () => void;
  setMuted: (muted: boolean) => void;
  sendDigit: (digit: string) => void;
  setNotes: (notes: string) => void;
  closeSummary: () => void;
  setPanelOpen: (open: boolean) => void;
};

const PhoneContext = createContext<Phone | null>(null);

export function usePhone(): Phone {
  const phone = useContext(PhoneContext);
  if (!phone) throw new Error("usePhone outside PhoneProvider");
  return phone;
}

/** The lead or contact a caller's number belongs to, if any. */
async function lookUp(number: string): Promise<PartyRecord | null> {
  const digits = number.replace(/\D/g, "");
  if (digits.length < 2) return null;
  const found = await search(digits);
  const hit = found.items.find((item) => item.kind !== "deal");
  return hit ? { id: hit.id, kind: hit.kind, display_name: hit.display_name } : null;
}

/** The CallSid the API knows a call by (see the top of this file). */
function apiCallSid(call: Call, direction: LiveCall["direction"]): string | null {
  const sid = direction === "inbound" ? call.customParameters?.get(CALLER_SID_PARAMETER) : call.parameters?.CallSid;
  return sid || null;
}

/** Asks the API to send a ringing call to voicemail; answers what went wrong, if the rep should know. */
async function declineAtTheApi(ringing: Call): Promise<string | null> {
  const sid = apiCallSid(ringing, "inbound");
  if (!sid) return null;
  try {
    await declineCall(sid);
    return null;
  } catch (exc) {
    // Answered elsewhere or ended meanwhile: there is nothing left to decline, nor to say.
    if (exc instanceof ApiError && exc.code === "call_over") return null;
    const reason = sentence(describeError(exc));
    return `The call is declined, but the server did not hear of it, so the caller may ring your forwarding number. ${reason}`;
  }
}

export function PhoneProvider({ children }: { children: ComponentChildren }) {
  const [availability, setAvailability] = useState<Availability>("offline");
  const [missing, setMissing] = useState<VoiceSetting[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [call, setCallState] = useState<LiveCall | null>(null);
  const [finished, setFinished] = useState<FinishedCall | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);

  const device = useRef<Device | null>(null);
  const starting = useRef<Promise<Device> | null>(null);
  const sdkCall = useRef<Call | null>(null);
  const live = useRef<LiveCall | null>(null);
  const online = useRef(false);

  const setCall = useCallback((next: LiveCall | null) => {
    live.current = next;
    setCallState(next);
  }, []);
  const changeCall = useCallback(
    (change: Partial<LiveCall>) => {
      if (live.current) setCall({ ...live.current, ...change });
    },
    [setCall],
  );

  const presence = useCallback((onCall: boolean) => {
    if (!online.current) return;
    setPresence(true, onCall).catch(() => undefined); // the next heartbeat tells again
  }, []);

  const fail = useCallback((exc: unknown) => {
    if (exc instanceof ApiError && exc.code === "voice_not_configured") {
      online.current = false;
      setAvailability("not_configured");
      return;
    }
    setProblem(sentence(describeError(exc)));
  }, []);

  const finish = useCallback(
    (ended: Call) => {
      if (sdkCall.current !== ended) return;
      sdkCall.current = null;
      const last = live.current;
      setCall(null);
      presence(false);
      // A call the rep took or placed gets a summary; one declined or missed does not.
      if (last && last.stage !== "ringing") {
        setFinished({
          callSid: apiCallSid(ended, last.direction),
          direction: last.direction,
          party: last.party,
          answered: last.answeredAt !== null,
          seconds: last.answeredAt ? (Date.now() - last.answeredAt) / 1000 : 0,
          notes: last.notes,
        });
        setPanelOpen(true);
      }
    },
    [presence, setCall],
  );

  const follow = useCallback(
    (current: Call) => {
      sdkCall.current = current;
      current.on("accept", () => {
        changeCall({ stage: "in-call", answeredAt: Date.now() });
        presence(true);
      });
      for (const event of ["disconnect", "cancel", "reject"] as const) current.on(event, () => finish(current));
      current.on("error", (error: { message?: string }) => setProblem(sentence(error.message ?? "Call failed.")));
    },
    [changeCall, finish, presence],
  );

  const incoming = useCallback(
    (ringing: Call) => {
      if (sdkCall.current) {
        // Already on a call (the API rings only a free phone; this is a race): busy, not away,
        // so voicemail rather than the forwarding number (C5).
        void declineAtTheApi(ringing).finally(() => ringing.reject());
        return;
      }
      const number = ringing.parameters.From ?? "";
      setFinished(null);
      setProblem(null);
      setCall({
        direction: "inbound",
        party: { number, record: null },
        stage: "ringing",
        answeredAt: null,
        muted: false,
        notes: "",
      });
      follow(ringing);
      setPanelOpen(true);
      lookUp(number).then(
        (record) => {
          if (record && sdkCall.current === ringing && live.current) {
            changeCall({ party: { number, record } });
          }
        },
        () => undefined, // the number alone is still shown
      );
    },
    [changeCall, follow, setCall],
  );

  const ensureDevice = useCallback(async (): Promise<Device> => {
    if (device.current) return device.current;
    starting.current ??= (async () => {
      // The token first: a stack without Twilio credentials never downloads the SDK.
      const token = await getVoiceToken();
      const DeviceClass = await loadDevice();
      const created = new DeviceClass(token.token, { closeProtection: true });
      created.on("incoming", incoming);
      created.on("tokenWillExpire", () => {
        getVoiceToken().then((fresh) => created.updateToken(fresh.token), fail);
      });
      created.on("error", (error: { message?: string }) => setProblem(sentence(error.message ?? "Phone error.")));
      device.current = created;
      return created;
    })().finally(() => {
      starting.current = null;
    });
    return starting.current;
  }, [fail, incoming]);

  const goOnline = useCallback(async () => {
    setAvailability("starting");
    setProblem(null);
    try {
      const ready = await ensureDevice();
      await ready.register();
      online.current = true;
      setAvailability("online");
      await setPresence(true, sdkCall.current !== null);
    } catch (exc) {
      if (!online.current) setAvailability((now) => (now === "starting" ? "offline" : now));
      fail(exc);
    }
  }, [ensureDevice, fail]);

  const goOffline = useCallback(() => {
    const wasOnline = online.current;
    online.current = false;
    setAvailability("offline");
    device.current?.unregister().catch(() => undefined);
    if (wasOnline) setPresence(false, false).catch(() => undefined); // else it lapses by itself
  }, []);

  // Whether calling is set up at all, before any try. Unknown (the request failed): a try tells.
  useEffect(() => {
    const controller = new AbortController();
    getVoiceStatus(controller.signal).then(
      (status) => {
        if (status.configured || controller.signal.aborted) return;
        online.current = false;
        setMissing(status.missing);
        setAvailability("not_configured");
      },
      () => undefined,
    );
    return () => controller.abort();
  }, []);

  // While online, the API hears from the phone every minute, hidden tab or not.
  useEffect(() => {
    if (availability !== "online") return;
    const timer = window.setInterval(() => presence(sdkCall.current !== null), HEARTBEAT_MS);
    return () => window.clearInterval(timer);
  }, [availability, presence]);

  // Closing the tab: the API hears at once that calls no longer ring here (no 90 s of ringing
  // nobody). A page kept in the back/forward cache and shown again says it is back.
  useEffect(() => {
    const leaving = () => {
      if (online.current) goOfflineWhileLeaving();
    };
    const back = (event: PageTransitionEvent) => {
      if (event.persisted) presence(sdkCall.current !== null);
    };
    window.addEventListener("pagehide", leaving);
    window.addEventListener("pageshow", back);
    return () => {
      window.removeEventListener("pagehide", leaving);
      window.removeEventListener("pageshow", back);
    };
  }, [presence]);

  // Signing out ends it all.
  useEffect(
    () => () => {
      if (online.current) setPresence(false, false).catch(() => undefined);
      device.current?.destroy();
    },
    [],
  );

  const dial = useCallback(
    async (number: string, record: PartyRecord | null) => {
      if (live.current) return;
      setFinished(null);
      setProblem(null);
      setPanelOpen(true);
      setCall({
        direction: "outbound",
        party: { number, record },
        stage: "connecting",
        answeredAt: null,
        muted: false,
        notes: "",
      });
      try {
        const ready = await ensureDevice();
        const placed = await ready.connect({ params: { To: number } });
        follow(placed);
        presence(true);
      } catch (exc) {
        setCall(null);
        fail(exc);
      }
    },
    [ensureDevice, fail, follow, presence, setCall],
  );

  const phone = useMemo<Phone>(
    () => ({
      availability,
      missing,
      problem,
      call,
      finished,
      panelOpen,
      goOnline,
      goOffline,
      dial,
      accept: () => sdkCall.current?.accept(),
      decline: async () => {
        const ringing = sdkCall.current;
        if (!ringing || live.current?.stage !== "ringing") return;
        const unheard = await declineAtTheApi(ringing);
        if (unheard) setProblem(unheard);
        if (sdkCall.current !== ringing) return; // the caller hung up meanwhile
        ringing.reject();
        finish(ringing);
      },
      sendOn: () => {
        const ringing = sdkCall.current;
        if (!ringing) return;
        ringing.reject();
        finish(ringing);
      },
      hangUp: () => {
        const current = sdkCall.current;
        if (!current) return;
        current.disconnect();
        finish(current);
      },
      setMuted: (muted) => {
        sdkCall.current?.mute(muted);
        changeCall({ muted });
      },
      sendDigit: (digit) => sdkCall.current?.sendDigits(digit),
      setNotes: (notes) => changeCall({ notes }),
      closeSummary: () => setFinished(null),
      setPanelOpen,
    }),
    [availability, missing, problem, call, finished, panelOpen, goOnline, goOffline, dial, finish, changeCall],
  );
  return <PhoneContext.Provider value={phone}>{children}</PhoneContext.Provider>;
}
