import { describeError } from '../api/client';

/** An API problem (or any failure) as a readable alert, placed next to what caused it. */
export function ProblemAlert({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const message = describeError(error);
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
      {message.reference && <p class="muted small">{message.reference}</p>}
    </div>
  );
}
