import { describeError } from '../api/client';

interface ProblemAlertProps {
  error: unknown;
  id?: string;
  /** Field errors the form shows next to their fields: left out here, with a pointer to them. */
  shownAtField?: (path: string) => boolean;
}

/** An API problem (or any failure) as a readable alert, placed next to what caused it. */
export function ProblemAlert({ error, id, shownAtField }: ProblemAlertProps) {
  if (!error) return null;
  const message = describeError(error, shownAtField);
  const placed = Boolean(shownAtField) && describeError(error).details.length > message.details.length;
  return (
    <div class="alert alert-error" role="alert" id={id}>
      <p>{message.summary}</p>
      {message.details.length > 0 && (
        <ul>
          {message.details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      )}
      {placed && <p class="small">Each marked field above says what is wrong with it.</p>}
      {message.reference && <p class="muted small">{message.reference}</p>}
    </div>
  );
}
