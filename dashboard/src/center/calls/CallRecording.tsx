/**
 * A call's recording or voicemail, wherever a call is shown (the Calls tab, a record's feed):
 * played from a short-lived link fetched when the rep asks for it, and deleted for good, after a
 * confirmation, by the rep who had the call or an admin (the API's rule).
 */

import { useState } from "preact/hooks";
import { describeError } from "../../api/client";
import { deleteCallRecording, getCallRecording } from "../../api/endpoints";
import type { Activity, CallData } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Icon } from "../../components/Icon";
import { sentence } from "../../records/fields";
import { useTeam } from "../../team";

type Props = {
  call: Activity;
  /** Who the call was with, as the confirmation names them. */
  who: string;
  /** The recording is gone; `answer` is the call as the API now keeps it. */
  onDeleted: (answer: Activity) => void;
};

/**
 * `shown` with the recording as the API's answer has it. `shown` may be a copy of the call (a
 * deal's feed shows one), so only the recording is taken from the answer.
 */
export function withRecordingOf(shown: Activity, answer: Activity): Activity {
  if (shown.data.channel !== "call" || answer.data.channel !== "call") return shown;
  return { ...shown, data: { ...shown.data, recording: answer.data.recording } };
}

export function CallRecording({ call, who, onDeleted }: Props) {
  const { me } = useTeam();
  const data = call.data as CallData;
  const recording = data.recording;
  if (!recording) return null;
  const voicemail = recording.kind === "voicemail";
  if (recording.deleted_at) {
    return <p class="muted call-recording">{voicemail ? "The voicemail was deleted." : "The recording was deleted."}</p>;
  }
  if (!recording.stored) {
    return (
      <p class="muted call-recording">
        {voicemail ? "A voicemail was left" : "The call was recorded"}; it is not copied here yet.
      </p>
    );
  }
  const mayDelete = call.rep_id === me.id || me.role === "admin";
  const callSid = data.call_sid ?? call.external_id ?? "";
  return (
    <div class="call-recording">
      <Player callSid={callSid} voicemail={voicemail} />
      {mayDelete && <DeleteRecording callSid={callSid} voicemail={voicemail} who={who} onDeleted={onDeleted} />}
    </div>
  );
}

function Player({ callSid, voicemail }: { callSid: string; voicemail: boolean }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const play = async () => {
    setBusy(true);
    setError(null);
    try {
      setUrl((await getCallRecording(callSid)).url);
    } catch (exc) {
      setError(sentence(describeError(exc)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {url ? (
        <audio controls autoPlay src={url} aria-label={voicemail ? "Voicemail" : "Recording"} />
      ) : (
        <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={() => void play()}>
          <Icon name="play" size={14} /> {voicemail ? "Play voicemail" : "Play recording"}
        </button>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

type DeleteProps = { callSid: string; voicemail: boolean; who: string; onDeleted: Props["onDeleted"] };

function DeleteRecording({ callSid, voicemail, who, onDeleted }: DeleteProps) {
  const [asking, setAsking] = useState(false);
  const noun = voicemail ? "voicemail" : "recording";
  return (
    <>
      <button type="button" class="btn btn-danger-ghost btn-sm" onClick={() => setAsking(true)}>
        <Icon name="trash" size={14} /> Delete {noun}
      </button>
      <ConfirmDialog
        open={asking}
        title={`Delete this ${noun}?`}
        confirmLabel={`Delete ${noun}`}
        busyLabel="Deleting…"
        onClose={() => setAsking(false)}
        onConfirm={async () => {
          const answer = await deleteCallRecording(callSid);
          setAsking(false);
          onDeleted(answer);
        }}
      >
        <p>
          The {noun} of the call with <strong>{who}</strong> will be deleted for everyone. The call itself stays.
          This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
