// The credit-card application's logic, apart from the page: the request the
// form becomes and what the function's answer means. No DOM here.

// Where the function answers, on the page's own origin.
export const FUNCTION_URL = '/fn/creditcardapplicationlambda';

// The function's JSON body from the form's values. Numbers go as numbers;
// anything else goes as typed and an empty field is left out, so that the
// function itself says which field is wrong and how.
export function applicationBody({ numChildren, income, ownCar, ownHousing }) {
  const body = {};
  addNumber(body, 'Num_Children', numChildren);
  addNumber(body, 'Income', income);
  body.Own_Car = ownCar ? 1 : 0;
  body.Own_Housing = ownHousing ? 1 : 0;
  return body;
}

function addNumber(body, name, text) {
  const trimmed = String(text ?? '').trim();
  if (trimmed === '') return;
  const value = Number(trimmed);
  body[name] = Number.isFinite(value) && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)
    ? value
    : trimmed;
}

// What an answer means: {kind: 'approved' | 'denied' | 'invalid' | 'failed', message}.
// `status` is the HTTP status, `text` the body as received.
export function readAnswer(status, text) {
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: reported below with the status.
  }
  if (status === 200 && json && (json.prediction === 1 || json.prediction === 0)) {
    return json.prediction === 1
      ? { kind: 'approved', message: 'Congratulations: your application meets our criteria.' }
      : { kind: 'denied', message: 'Your application does not meet our criteria at this time.' };
  }
  const said = json && typeof json.message === 'string' ? json.message : '';
  if (status === 400) {
    return { kind: 'invalid', message: said || 'The application was refused as invalid.' };
  }
  if (status === 404) {
    return {
      kind: 'failed',
      message: 'The credit-card function is not deployed here' + (said ? ` (${said})` : '') +
        '. Deploy creditcardapplicationlambda, then try again.',
    };
  }
  return {
    kind: 'failed',
    message: `The credit-card function answered ${status}` + (said ? `: ${said}` : '') +
      '. Try again in a moment.',
  };
}

// The message when the function cannot be reached at all.
export const UNREACHABLE_MESSAGE =
  'The credit-card function could not be reached. Check that the server ' +
  '(sluice functions serve) is running, then try again.';
