/**
 * The signed-in rep's own call settings (C9): recording, voicemail and its greeting, the
 * forwarding number. Saved all at once (PUT /api/me/call-settings); the API checks and
 * normalises them, and its refusals are shown at the field they concern.
 */

import { useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { saveCallSettings } from "../api/endpoints";
import { callSettingsOf, type CallSettings, type Rep } from "../api/types";
import { Icon } from "../components/Icon";
import { formatPhone } from "../format";
import { SwitchField, TextAreaField, TextField, sentence } from "../records/fields";
import { SettingsActions } from "./SettingsActions";

/** The API keeps greetings of at most this many characters (after folding the spaces). */
export const MAX_GREETING = 500;

/** What the API may refuse, in the form's order: the first refused one takes the focus. */
const REFUSABLE = ["voicemail_greeting", "forwarding_number"];

const IDS = {
  recording: "settings-recording",
  voicemail: "settings-voicemail",
  voicemail_greeting: "settings-greeting",
  forwarding_number: "settings-forwarding",
};

/** The form's values: the forwarding number as typed ("" for none). */
type Draft = Omit<CallSettings, "forwarding_number"> & { forwarding_number: string };

function draftOf(rep: Rep): Draft {
  const settings = callSettingsOf(rep);
  return { ...settings, forwarding_number: settings.forwarding_number ?? "" };
}

/** Where a call the rep does not take ends, said after a save. */
function savedSentence(rep: Rep): string {
  const { forwarding_number: forwarding, voicemail } = callSettingsOf(rep);
  const last = voicemail ? "voicemail" : "a message that you are unavailable";
  return forwarding
    ? `Saved. Calls you don't take ring ${formatPhone(forwarding)}, then go to ${last}.`
    : `Saved. No forwarding number: calls you don't take go to ${last}.`;
}

type Props = { rep: Rep; onSaved: (rep: Rep) => void };

export function CallSettingsForm({ rep, onSaved }: Props) {
  const [draft, setDraft] = useState(() => draftOf(rep));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<Rep | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const change = (patch: Partial<Draft>) => {
    setDraft((previous) => ({ ...previous, ...patch }));
    setSaved(null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    // All four, each time; an empty number means none.
    const body: CallSettings = { ...draft, forwarding_number: draft.forwarding_number.trim() || null };
    setBusy(true);
    setFormError(null);
    setSaved(null);
    try {
      const changed = await saveCallSettings(body);
      setDraft(draftOf(changed)); // the number as the API normalised it, the greeting as kept
      setErrors({});
      setSaved(changed);
      onSaved(changed);
    } catch (exc) {
      if (exc instanceof ApiError && exc.status === 400 && Object.keys(exc.fields).length) {
        setErrors(exc.fields);
        const unplaced = Object.entries(exc.fields).filter(([key]) => !REFUSABLE.includes(key));
        setFormError(
          unplaced.length
            ? unplaced.map(([key, message]) => `${key}: ${message}`).join("; ")
            : `${sentence(exc.message)}: please correct the highlighted field.`,
        );
        // The first refused field gets the focus, for keyboard and screen-reader users.
        window.setTimeout(() => form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus(), 0);
      } else {
        setErrors({});
        setFormError(describeError(exc));
      }
    } finally {
      setBusy(false);
    }
  };

  const greetingLength = draft.voicemail_greeting.length;
  // Off, the greeting is kept but unused; a refused one stays editable so it can be put right.
  const greetingOff = !draft.voicemail && !errors.voicemail_greeting;
  return (
    <form ref={form} class="settings-form" aria-labelledby="settings-calls-title" onSubmit={submit} noValidate>
      {formError && (
        <div class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{formError}</span>
        </div>
      )}
      <SwitchField
        id={IDS.recording}
        label="Record my calls"
        checked={draft.recording}
        error={errors.recording}
        hint="Calls you take or place are recorded from the moment they are answered; the recording shows with the call."
        onChange={(recording) => change({ recording })}
      />
      <SwitchField
        id={IDS.voicemail}
        label="Voicemail"
        checked={draft.voicemail}
        error={errors.voicemail}
        hint={
          draft.voicemail
            ? "Callers nobody answers can leave you a message."
            : "Off: callers nobody answers hear that you are unavailable and cannot leave a message."
        }
        onChange={(voicemail) => change({ voicemail })}
      />
      <TextAreaField
        id={IDS.voicemail_greeting}
        label="Voicemail greeting"
        value={draft.voicemail_greeting}
        maxLength={MAX_GREETING}
        disabled={greetingOff}
        error={errors.voicemail_greeting}
        hint={
          greetingOff
            ? "Used only while voicemail is on."
            : `What callers hear before the tone. Leave it empty for the standard greeting (“Sorry, I can't take your call right now. Please leave a message after the tone.”). ${greetingLength}/${MAX_GREETING} characters.`
        }
        onInput={(voicemail_greeting) => change({ voicemail_greeting })}
      />
      <TextField
        id={IDS.forwarding_number}
        label="Forwarding number"
        type="tel"
        autocomplete="tel"
        placeholder="+1 415 555 0123"
        value={draft.forwarding_number}
        error={errors.forwarding_number}
        hint="Rings when you are offline, don't answer, or send a call on. Leave it empty for none."
        onInput={(forwarding_number) => change({ forwarding_number })}
      />
      <SettingsActions saveLabel="Save call settings" busy={busy} saved={saved ? savedSentence(saved) : null} />
    </form>
  );
}
