/**
 * Settings, Quick replies (I4): the rep's own replies and the team's shared ones. A rep adds,
 * edits and deletes their own and shares one with the team or stops sharing it; a colleague's
 * shared reply is read here, changed only by its owner or an admin. The placeholders
 * {first_name}, {last_name}, {company} and {my_name} are filled when a reply is inserted in an SMS
 * or an email; anything else in braces is inserted as typed (the API names it: shown here).
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { createQuickReply, deleteQuickReply, listQuickReplies, updateQuickReply } from "../api/endpoints";
import { newRequestId } from "../api/requestId";
import type { QuickReply, QuickReplyInput } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorState, Spinner } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { useAsync } from "../hooks";
import { sentence } from "../records/fields";
import { repName, useTeam } from "../team";
import { insertIntoField } from "./insert";
import { unknownNotice } from "./QuickReplyPicker";
import "./quickReplies.css";

/** What the API keeps: titles and texts of at most this many characters, this many replies a rep. */
const MAX_TITLE = 80;
const MAX_BODY = 2000;
const MAX_PER_REP = 200;

const PLACEHOLDERS = ["{first_name}", "{last_name}", "{company}", "{my_name}"];

/** Which reply is being written: a new one, or one being edited (by id). */
type Editing = { id: string | null } | null;

export function QuickRepliesSettings() {
  const team = useTeam();
  const replies = useAsync((signal) => listQuickReplies(null, signal), []);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<QuickReply | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (window.location.hash === "#quick-replies") document.getElementById("quick-replies")?.scrollIntoView();
  }, []);

  if (replies.loading && !replies.data) return <Spinner label="Loading the quick replies…" />;
  if (replies.error || !replies.data) {
    return <ErrorState message={replies.error ?? "The quick replies could not be loaded."} onRetry={replies.reload} />;
  }
  const items = replies.data.items;
  const owned = items.filter((reply) => reply.owner_id === team.me.id).length;
  const saved = (reply: QuickReply, verb: string) => {
    setEditing(null);
    setNotice([`“${reply.title}” ${verb}.`, unknownNotice(reply.unknown)].filter(Boolean).join(" "));
    replies.reload();
  };

  return (
    <div class="quick-replies-settings">
      <p class="hint">
        Insert one from the Quick replies button of an SMS reply or an email. Placeholders are filled then:{" "}
        {PLACEHOLDERS.join(", ")}.
      </p>
      {notice && (
        <p class="quick-reply-notice" role="status">
          {notice}
        </p>
      )}
      {items.length ? (
        <ul class="quick-reply-list" aria-label="Quick replies">
          {items.map((reply) =>
            editing?.id === reply.id ? (
              <li key={reply.id} class="quick-reply-row">
                <QuickReplyForm
                  reply={reply}
                  onSaved={(done) => saved(done, "saved")}
                  onCancel={() => setEditing(null)}
                />
              </li>
            ) : (
              <li key={reply.id} class="quick-reply-row">
                <div class="quick-reply-row-header">
                  <span class="quick-reply-title">{reply.title}</span>
                  <span class={reply.shared ? "badge badge-info" : "badge badge-neutral"}>
                    {reply.shared ? "Shared" : "Only you"}
                  </span>
                  {reply.owner_id !== team.me.id && (
                    <span class="hint">by {repName(team, reply.owner_id)}</span>
                  )}
                  {reply.editable && (
                    <span class="quick-reply-row-actions">
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={`Edit “${reply.title}”`}
                        onClick={() => {
                          setNotice(null);
                          setEditing({ id: reply.id });
                        }}
                      >
                        <Icon name="edit" size={16} />
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={`Delete “${reply.title}”`}
                        onClick={() => setDeleting(reply)}
                      >
                        <Icon name="trash" size={16} />
                      </button>
                    </span>
                  )}
                </div>
                <p class="quick-reply-body">{reply.body}</p>
              </li>
            ),
          )}
        </ul>
      ) : (
        <p class="muted">No quick replies yet.</p>
      )}
      {editing?.id === null ? (
        <QuickReplyForm reply={null} onSaved={(done) => saved(done, "added")} onCancel={() => setEditing(null)} />
      ) : owned < MAX_PER_REP ? (
        <div>
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => {
              setNotice(null);
              setEditing({ id: null });
            }}
          >
            <Icon name="plus" size={16} /> Add quick reply
          </button>
        </div>
      ) : (
        <p class="hint">You have the most quick replies a rep keeps ({MAX_PER_REP}): delete one to add another.</p>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this quick reply?"
        confirmLabel="Delete"
        busyLabel="Deleting…"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await deleteQuickReply(deleting.id);
          setNotice(`“${deleting.title}” deleted.`);
          setDeleting(null);
          replies.reload();
        }}
      >
        <p>
          “{deleting?.title}” is deleted{deleting?.shared ? " for the whole team" : ""}. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

type FormProps = { reply: QuickReply | null; onSaved: (reply: QuickReply) => void; onCancel: () => void };

function QuickReplyForm({ reply, onSaved, onCancel }: FormProps) {
  const [values, setValues] = useState<QuickReplyInput>({
    title: reply?.title ?? "",
    body: reply?.body ?? "",
    shared: reply?.shared ?? false,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const body = useRef<HTMLTextAreaElement>(null);
  // One per new reply: a Save retried after a failure makes one reply.
  const requestId = useRef(newRequestId());
  const id = reply ? `quick-reply-${reply.id}` : "quick-reply-new";

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      onSaved(
        reply
          ? await updateQuickReply(reply.id, values)
          : await createQuickReply({ ...values, client_request_id: requestId.current }),
      );
    } catch (exc) {
      const fields = exc instanceof ApiError && exc.status === 400 ? exc.fields : {};
      if (fields.title || fields.body) setErrors(fields);
      else setFormError(describeError(exc));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="quick-reply-form"
      aria-label={reply ? `Edit “${reply.title}”` : "New quick reply"}
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      {formError && (
        <div class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{sentence(formError)}</span>
        </div>
      )}
      <div class="field">
        <label for={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          class={errors.title ? "input invalid" : "input"}
          value={values.title}
          maxLength={MAX_TITLE}
          placeholder="e.g. Pricing follow-up"
          autoFocus
          aria-invalid={errors.title ? "true" : undefined}
          onInput={(event) => setValues({ ...values, title: (event.target as HTMLInputElement).value })}
        />
        {errors.title && <p class="field-error">{sentence(errors.title)}</p>}
      </div>
      <div class="field">
        <label for={`${id}-body`}>Text</label>
        <textarea
          id={`${id}-body`}
          ref={body}
          class={errors.body ? "input invalid" : "input"}
          rows={5}
          value={values.body}
          maxLength={MAX_BODY}
          placeholder="Hi {first_name}, …"
          aria-invalid={errors.body ? "true" : undefined}
          aria-describedby={`${id}-body-count`}
          onInput={(event) => setValues({ ...values, body: (event.target as HTMLTextAreaElement).value })}
        />
        {errors.body && <p class="field-error">{sentence(errors.body)}</p>}
        <div class="quick-reply-placeholders" role="group" aria-label="Insert a placeholder">
          {PLACEHOLDERS.map((placeholder) => (
            <button
              key={placeholder}
              type="button"
              class="chip-btn"
              onClick={() =>
                insertIntoField(body.current, values.body, placeholder, (text) => setValues({ ...values, body: text }))
              }
            >
              {placeholder}
            </button>
          ))}
        </div>
        <p id={`${id}-body-count`} class="hint">
          {values.body.length.toLocaleString("en-US")} of {MAX_BODY.toLocaleString("en-US")} characters
        </p>
      </div>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={values.shared}
          onChange={(event) => setValues({ ...values, shared: (event.target as HTMLInputElement).checked })}
        />
        Share with the team
      </label>
      <div class="form-actions quick-reply-form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : reply ? "Save" : "Add"}
        </button>
        <button type="button" class="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
