// The page's pipeline controls, built from the server's hello: a row per op (a checkbox and its
// parameters), read back into the pipeline to send.

export function buildPipelineControls(container, hello) {
  container.replaceChildren();
  const current = new Map(hello.pipeline.map((step) => [step.op, step]));
  for (const op of hello.ops) {
    const row = document.createElement('div');
    row.className = 'op' + (op.available ? '' : ' unavailable');
    row.dataset.op = op.op;
    const toggle = document.createElement('input');
    toggle.type = 'checkbox';
    toggle.checked = current.has(op.op);
    toggle.disabled = !op.available;
    toggle.id = 'op-' + op.op;
    const name = document.createElement('label');
    name.className = 'name';
    name.htmlFor = toggle.id;
    name.textContent = op.op;
    name.title = op.available ? op.description : `${op.description} — unavailable: ${op.reason}`;
    row.append(toggle, name);
    for (const param of op.params) row.append(paramInput(param, current.get(op.op)));
    if (!op.available) {
      const reason = document.createElement('span');
      reason.textContent = op.reason;
      row.append(reason);
    }
    container.append(row);
  }
}

function paramInput(param, step) {
  const label = document.createElement('label');
  label.title = param.description;
  label.append(param.name + ' ');
  let input;
  if (param.type === 'choice') {
    input = document.createElement('select');
    // A choice without default (faces' model): the server picks, unless the user does.
    if (param.default === undefined) input.append(new Option('(default)', ''));
    for (const choice of param.choices) input.append(new Option(choice, choice));
  } else if (param.type === 'boolean') {
    input = document.createElement('input');
    input.type = 'checkbox';
  } else {
    input = document.createElement('input');
    input.type = 'number';
    input.min = param.min;
    input.max = param.max;
    input.step = param.type === 'int' ? 1 : 'any';
  }
  const value = step && step[param.name] !== undefined ? step[param.name] : param.default;
  if (param.type === 'boolean') input.checked = value === true;
  else if (value !== undefined) input.value = value;
  input.dataset.param = param.name;
  input.dataset.type = param.type;
  label.append(input);
  return label;
}

/** The ticked ops with their parameters, top to bottom. */
export function readPipeline(container) {
  const ops = [];
  for (const row of container.children) {
    if (!row.querySelector('input[type=checkbox]').checked) continue;
    const step = { op: row.dataset.op };
    for (const input of row.querySelectorAll('[data-param]')) {
      if (input.dataset.type === 'boolean') {
        step[input.dataset.param] = input.checked;
        continue;
      }
      if (input.value === '') continue;
      step[input.dataset.param] = input.dataset.type === 'choice' ? input.value : Number(input.value);
    }
    ops.push(step);
  }
  return ops;
}
