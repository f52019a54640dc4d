/** An SMS to a lead or contact: one of the record's numbers, then the text (S3, record page and center). */

import { useState } from "preact/hooks";
import type { Activity, CrmRecord } from "../../api/types";
import { capitalize } from "../../components/Badge";
import { formatPhone } from "../../format";
import { SelectField } from "../../records/fields";
import { useTeam } from "../../team";
import { SmsComposer } from "./SmsComposer";

type Props = {
  record: CrmRecord;
  idPrefix: string;
  autoFocus?: boolean;
  onSent: (message: Activity) => void;
};

export function RecordSmsComposer({ record, idPrefix, autoFocus, onSent }: Props) {
  const { me } = useTeam();
  const [to, setTo] = useState(record.phones[0]?.number ?? "");
  const number = record.phones.some((phone) => phone.number === to) ? to : (record.phones[0]?.number ?? "");

  if (!record.phones.length) {
    return (
      <p class="sms-note" role="status">
        {record.display_name} has no phone number yet: add one to text them.
      </p>
    );
  }
  const blocked = !me.twilio_number
    ? "You have no phone number to text from."
    : me.capabilities !== "voice+sms"
      ? "Your number is voice-only."
      : null;
  return (
    <SmsComposer
      id={`${idPrefix}-text`}
      label={`SMS to ${record.display_name}`}
      to={number}
      recordId={record.id}
      blocked={blocked}
      autoFocus={autoFocus}
      onSent={onSent}
    >
      <SelectField
        id={`${idPrefix}-to`}
        class="sms-to"
        label="To"
        value={number}
        onChange={setTo}
        options={record.phones.map((phone) => ({
          value: phone.number,
          label: `${formatPhone(phone.number)} · ${capitalize(phone.label)}`,
        }))}
      />
    </SmsComposer>
  );
}
