/**
 * The conversation open beside a folder's list, shown by its channel's own view: an SMS
 * conversation as the SMS tab shows it (its thread, reply box, reminders), an email conversation
 * by the email reader on its newest email. A page of one conversation across channels is for later.
 */

import { useState } from "preact/hooks";
import { getSmsConversation, listSmsMessages } from "../../api/endpoints";
import type { FolderRow, SmsConversation } from "../../api/types";
import { ErrorState, Spinner } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { useAsync } from "../../hooks";
import { Link } from "../../router";
import { Composer } from "../email/Composer";
import type { Composition } from "../email/compose";
import { EmailReader } from "../email/EmailReader";
import { ConversationPanel, conversationTitle } from "../sms/ConversationItem";
import { handleText } from "./FolderList";

type Props = {
  id: string;
  /** Its row in the list, when the list has loaded it (its channel and handle). */
  row: FolderRow | null;
  onClose: () => void;
  onChanged: () => void;
};

export function OpenConversation({ id, row, onClose, onChanged }: Props) {
  return (
    <section class="card folder-open" aria-label="Open conversation">
      <div class="folder-open-bar">
        <button type="button" class="btn btn-ghost btn-sm" onClick={onClose}>
          <Icon name="arrowLeft" size={16} /> Back to the list
        </button>
      </div>
      {!row ? (
        <Spinner />
      ) : row.channel === "sms" ? (
        <SmsPane id={id} onChanged={onChanged} />
      ) : row.channel === "email" ? (
        <EmailPane row={row} onClose={onClose} onChanged={onChanged} />
      ) : (
        <p class="muted folder-open-other">
          {row.channel === "call" ? (
            <Link href="/center/calls">Open the Calls tab</Link>
          ) : (
            "This conversation opens in its own channel's tab."
          )}
        </p>
      )}
    </section>
  );
}

function SmsPane({ id, onChanged }: { id: string; onChanged: () => void }) {
  const loaded = useAsync((signal) => getSmsConversation(id, signal), [id]);
  const [shown, setShown] = useState<SmsConversation | null>(null);
  const conversation = shown?.id === id ? shown : loaded.data;
  if (loaded.error) return <ErrorState message={loaded.error} onRetry={loaded.reload} />;
  if (!conversation) return <Spinner />;
  return (
    <ConversationPanel
      conversation={conversation}
      expanded
      onToggle={() => undefined}
      onChange={setShown}
      onRemoved={() => onChanged()}
      onCountsChanged={onChanged}
      panelId={`folder-sms-${id}`}
      title={conversationTitle(conversation)}
    />
  );
}

/** The key of the conversation's newest email, received or sent (its messages, whatever its
 * channel, are listed by the conversation's messages route). */
async function newestEmail(conversationId: string, signal: AbortSignal): Promise<string | null> {
  const page = await listSmsMessages(conversationId, null, signal);
  for (const message of page.items) {
    const key = (message.data as Record<string, unknown>).key;
    if (message.type === "email" && typeof key === "string" && key) return key;
  }
  return null;
}

function EmailPane({ row, onClose, onChanged }: { row: FolderRow; onClose: () => void; onChanged: () => void }) {
  const address = handleText(row);
  const newest = useAsync((signal) => newestEmail(row.id, signal), [row.id, row.last_at]);
  const [composing, setComposing] = useState<Composition | null>(null);
  if (newest.error) return <ErrorState message={newest.error} onRetry={newest.reload} />;
  if (newest.loading && !newest.data) return <Spinner />;
  if (!newest.data) return <p class="muted folder-open-other">No email with {address} to show.</p>;
  return (
    <>
      <EmailReader id={newest.data} onClose={onClose} onRead={onChanged} onCompose={setComposing} onRetried={onChanged} />
      <Composer composition={composing} onClose={() => setComposing(null)} onDone={onChanged} />
    </>
  );
}
