// Moves an entry point analysed on its own text to its place in the file.
import { shiftOptionalSpan, shiftSpan } from '../shared/shift';
import type { MlprojectEntryPoint, MlprojectParameter } from './model';

export function shiftEntryPoint(ep: MlprojectEntryPoint, delta: number): MlprojectEntryPoint {
  if (delta === 0) return ep;
  const moved: MlprojectEntryPoint = {
    ...ep,
    nameSpan: shiftSpan(ep.nameSpan, delta),
    span: shiftSpan(ep.span, delta),
    placeholders: ep.placeholders.map((p) => ({ ...p, span: shiftSpan(p.span, delta), nameSpan: shiftSpan(p.nameSpan, delta) })),
    escapes: ep.escapes.map((s) => shiftSpan(s, delta)),
    parameters: ep.parameters.map((p) => shiftParameter(p, delta)),
  };
  // Optional spans stay absent rather than becoming `undefined` properties.
  if (ep.commandSpan) moved.commandSpan = shiftOptionalSpan(ep.commandSpan, delta);
  if (ep.parametersKeySpan) moved.parametersKeySpan = shiftOptionalSpan(ep.parametersKeySpan, delta);
  return moved;
}

function shiftParameter(p: MlprojectParameter, delta: number): MlprojectParameter {
  const moved: MlprojectParameter = { ...p, nameSpan: shiftSpan(p.nameSpan, delta), span: shiftSpan(p.span, delta) };
  if (p.typeSpan) moved.typeSpan = shiftOptionalSpan(p.typeSpan, delta);
  if (p.defaultSpan) moved.defaultSpan = shiftOptionalSpan(p.defaultSpan, delta);
  return moved;
}
