/**
 * One SMS conversation in the center: a row that expands (S2) into its messages and a reply box,
 * with what can be done with it: open the record, delete it for good, and for an unknown number
 * Add to CRM, Add to existing or Ignore (S5).
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { describeError } from "../../api/client";
import { deleteSmsConversation, markSmsConversationRead } from "../../api/endpoints";
import type { Activity, CrmRecord, SmsConversation } from "../../api/types";
import { Avatar } from "../../components/Avatar";
import { Badge } from "../../components/Badge";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Icon } from "../../components/Icon";
import { RelativeTime } from "../../components/Time";
import { formatPhone } from "../../format";
import { sentence } from "../../records/fields";
import { recordPath } from "../../records/kinds";
import { Link } from "../../router";
import { useTeam } from "../../team";
import { type IgnoreScope, UnmatchedButtons, changeIgnoring, ignoringNotice } from "../ignoring";
import type { Outcome } from "../OutcomeNotice";
import { AddToCrmDialog, AddToExistingDialog } from "../UnmatchedDialogs";
import { Reminders } from "../../reminders/Reminders";
import { SmsComposer } from "./SmsComposer";
import { SmsThread, useSmsMessages } from "./SmsThread";

type Props = {
  conversation: SmsConversation;
  expanded: boolean;
  onToggle: () => void;
  onChange: (conversation: SmsConversation) => void;
  /** The conversation left this section (deleted, ignored, added to a record). */
  onRemoved: (outcome: Outcome) => void;
  /** Something changed the unread counts or the lists. */
  onCountsChanged: () => void;
};

export function conversationTitle(conversation: SmsConversation): string {
  return conversation.record?.display_name || formatPhone(conversation.remote_number);
}

export function ConversationItem(props: Props) {
  const { conversation, expanded, onToggle } = props;
  const title = conversationTitle(conversation);
  const panelId = `sms-panel-${conversation.id}`;
  const unread = conversation.unread > 0;
  return (
    <li
      class={expanded ? "sms-conv expanded" : unread ? "sms-conv unread" : "sms-conv"}
      data-conversation={conversation.id}
    >
      <button
        type="button"
        class="sms-conv-head"
        aria-expanded={expanded}
        aria-controls={panelId}
        onClick={onToggle}
      >
        {conversation.record ? (
          <Avatar name={conversation.record.display_name} size="sm" />
        ) : (
          <span class="kind-icon kind-unknown" aria-hidden="true">
            <Icon name="phone" size={16} />
          </span>
        )}
        <span class="sms-conv-who">
          <span class="sms-conv-name">{title}</span>
          {conversation.record && (
            <span class="sms-conv-number">{formatPhone(conversation.remote_number)}</span>
          )}
        </span>
        <span class="sms-conv-preview">
          {conversation.last_direction === "outbound" && <span class="muted">You: </span>}
          {conversation.last_preview}
        </span>
        <span class="sms-conv-side">
          {conversation.opted_out && <Badge value="opted_out" label="Opted out" />}
          {conversation.record?.status && <Badge value={conversation.record.status} />}
          <RelativeTime iso={conversation.last_at} />
          {unread && (
            <span class="sms-unread-badge">
              {conversation.unread}
              <span class="sr-only"> unread</span>
            </span>
          )}
        </span>
      </button>
      {expanded && <ConversationPanel {...props} panelId={panelId} title={title} />}
    </li>
  );
}

export function ConversationPanel(props: Props & { panelId: string; title: string }) {
  const { me } = useTeam();
  const { conversation, onChange, onRemoved, onCountsChanged, panelId, title } = props;
  const messages = useSmsMessages(conversation.id, conversation.last_at);
  const [dialog, setDialog] = useState<"delete" | "crm" | "existing" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const number = formatPhone(conversation.remote_number);
  const unknown = { number: conversation.remote_number, handle: conversation.handle };

  // Open means read: on expanding, and again when a message arrives while it is open.
  const reading = useRef(false);
  useEffect(() => {
    if (conversation.unread === 0 || reading.current) return;
    reading.current = true;
    markSmsConversationRead(conversation.id)
      .then(
        (read) => {
          onChange({ ...conversation, ...read });
          onCountsChanged();
        },
        (exc: unknown) => setError(sentence(describeError(exc))),
      )
      .finally(() => {
        reading.current = false;
      });
  }, [conversation.id, conversation.unread]);

  const onSent = (message: Activity) => {
    messages.prepend(message);
    onChange({
      ...conversation,
      last_at: message.occurred_at,
      last_preview: message.summary || message.body,
      last_direction: "outbound",
    });
    onCountsChanged();
  };

  const setIgnored = async (ignored: boolean, scope: IgnoreScope = "own") => {
    setBusy(true);
    setError(null);
    try {
      await changeIgnoring(conversation.handle, ignored, scope, me.role === "admin");
      onRemoved({ text: ignoringNotice(number, ignored, scope) });
    } catch (exc) {
      setError(sentence(describeError(exc)));
      setBusy(false);
    }
  };

  const addedTo = (record: CrmRecord, verb: string) => {
    setDialog(null);
    onRemoved({ text: `${number} ${verb} ${record.display_name}. Its SMS are now under Matched.`, record });
  };

  return (
    <div id={panelId} class="sms-conv-body" role="region" aria-label={`Conversation with ${title}`}>
      <div class="sms-conv-actions">
        {conversation.record ? (
          <Link href={recordPath(conversation.record.id)} class="btn btn-secondary btn-sm">
            <Icon name={conversation.record.kind} size={14} /> Open {conversation.record.kind}
          </Link>
        ) : conversation.section === "ignored" ? (
          <button
            type="button"
            class="btn btn-secondary btn-sm"
            disabled={busy}
            onClick={() => void setIgnored(false)}
          >
            Stop ignoring
          </button>
        ) : (
          <UnmatchedButtons
            busy={busy}
            onAdd={() => setDialog("crm")}
            onExisting={() => setDialog("existing")}
            onIgnore={(scope) => void setIgnored(true, scope)}
          />
        )}
        <button
          type="button"
          class="btn btn-danger-ghost btn-sm push-right"
          onClick={() => setDialog("delete")}
        >
          <Icon name="trash" size={14} /> Delete conversation
        </button>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <Reminders kind="follow_up" on={{ conversation_id: conversation.id }} />
      <SmsThread messages={messages} />
      <SmsComposer
        id={`reply-${conversation.id}`}
        label={`Reply to ${title}`}
        to={conversation.remote_number}
        conversationId={conversation.id}
        replyFor={conversation.record?.id}
        placeholder="Reply… (Ctrl+Enter to send)"
        blocked={
          conversation.opted_out
            ? "This number replied STOP: it receives no SMS until it replies START."
            : null
        }
        onSent={onSent}
      />
      <DeleteConversationDialog
        conversation={conversation}
        title={title}
        open={dialog === "delete"}
        onClose={() => setDialog(null)}
        onDeleted={() => {
          setDialog(null);
          onRemoved({ text: `The conversation with ${title} was deleted.` });
        }}
      />
      <AddToCrmDialog
        unknown={unknown}
        open={dialog === "crm"}
        onClose={() => setDialog(null)}
        onDone={(record) => addedTo(record, `was added as a ${record.kind}:`)}
      />
      <AddToExistingDialog
        unknown={unknown}
        open={dialog === "existing"}
        onClose={() => setDialog(null)}
        onDone={(record) => addedTo(record, "was added to")}
      />
    </div>
  );
}

type DeleteProps = {
  conversation: SmsConversation;
  title: string;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
};

function DeleteConversationDialog({ conversation, title, open, onClose, onDeleted }: DeleteProps) {
  return (
    <ConfirmDialog
      open={open}
      title="Delete this conversation?"
      confirmLabel="Delete conversation"
      busyLabel="Deleting…"
      onClose={onClose}
      onConfirm={async () => {
        await deleteSmsConversation(conversation.id);
        onDeleted();
      }}
    >
      <p>
        Every SMS with <strong>{title}</strong> will be deleted for good
        {conversation.record ? `, here and from the ${conversation.record.kind}'s activity` : ""}. This cannot
        be undone.
      </p>
    </ConfirmDialog>
  );
}
