// The stages of one setup, in order, each with its state in words (and a shape beside it), when
// it started and how long it took. Each item is named by its stage and its state, so a screen
// reader moving through the list hears "Create organization, Done".
import { Fragment, type ReactNode, useId } from "react";
import {
  formatClock,
  formatDuration,
  type SetupStep,
  stepDurationMs,
  stepLabels,
  stepStatusIcons,
  stepStatusLabels,
} from "./onboarding-labels.ts";

export function SetupProgress({ steps }: { steps: readonly SetupStep[] }) {
  const ordered = [...steps].sort((a, b) => a.position - b.position);
  return (
    <ol className="setup-stages" aria-label="Setup progress">
      {ordered.map((step) => (
        <SetupStage key={step.name} step={step} />
      ))}
    </ol>
  );
}

function SetupStage({ step }: { step: SetupStep }) {
  const id = useId();
  const nameId = `${id}-name`;
  const optionalId = `${id}-optional`;
  const statusId = `${id}-status`;
  const duration = stepDurationMs(step);
  const facts: { key: string; text: ReactNode }[] = [];
  if (step.startedAt) {
    facts.push({
      key: "started",
      text: (
        <>
          Started <time dateTime={step.startedAt.toISOString()}>{formatClock(step.startedAt)}</time>
        </>
      ),
    });
  }
  if (duration !== null) facts.push({ key: "took", text: `took ${formatDuration(duration)}` });
  if (step.attempts > 1) facts.push({ key: "attempts", text: `attempt ${step.attempts}` });
  const labelledBy = [nameId, step.optional ? optionalId : null, statusId].filter(Boolean).join(" ");
  return (
    <li
      className="setup-stage"
      data-status={step.status}
      aria-labelledby={labelledBy}
      aria-current={step.status === "running" ? "step" : undefined}
    >
      <span className="stage-icon" aria-hidden="true">
        {stepStatusIcons[step.status]}
      </span>
      <div className="stage-body">
        <p className="stage-title">
          <span id={nameId} className="stage-name">
            {stepLabels[step.name]}
          </span>
          {step.optional && (
            <span id={optionalId} className="badge">
              Optional
            </span>
          )}
          <span id={statusId} className="stage-status">
            {stepStatusLabels[step.status]}
          </span>
        </p>
        {facts.length > 0 && (
          <p className="stage-meta">
            {facts.map((fact, index) => (
              <Fragment key={fact.key}>
                {index > 0 && " · "}
                {fact.text}
              </Fragment>
            ))}
          </p>
        )}
        {step.status === "skipped" && step.skipReason && <p className="stage-note">{step.skipReason}</p>}
        {step.status === "failed" && step.error && <p className="stage-note stage-error">{step.error}</p>}
      </div>
    </li>
  );
}
