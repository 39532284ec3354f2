// The page's wiring: submit the form to the function, show the decision.
import { FUNCTION_URL, UNREACHABLE_MESSAGE, applicationBody, readAnswer } from './application.js';

const TITLES = {
  approved: 'Approved',
  denied: 'Denied',
  invalid: 'Please check your entries',
  failed: 'No decision yet',
};

const form = document.getElementById('application');
const button = document.getElementById('submit');
const outcome = document.getElementById('outcome');
const decision = document.getElementById('decision');
const detail = document.getElementById('detail');

function show(kind, message) {
  outcome.dataset.kind = kind;
  outcome.setAttribute('role', kind === 'invalid' || kind === 'failed' ? 'alert' : 'status');
  decision.textContent = TITLES[kind];
  detail.textContent = message;
  outcome.hidden = false;
}

async function submit(event) {
  event.preventDefault();
  const body = applicationBody({
    numChildren: form.elements.Num_Children.value,
    income: form.elements.Income.value,
    ownCar: form.elements.Own_Car.checked,
    ownHousing: form.elements.Own_Housing.checked,
  });
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    let response;
    try {
      response = await fetch(FUNCTION_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      show('failed', UNREACHABLE_MESSAGE);
      return;
    }
    const answer = readAnswer(response.status, await response.text());
    show(answer.kind, answer.message);
  } finally {
    button.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

form.addEventListener('submit', submit);
