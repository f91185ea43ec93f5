/** Text rendering for deploys, byte-for-byte as sentry-cli 3.8 prints it. */
import { humanDuration, renderTable } from "../../output/table.js";

export interface DeployLike {
  environment: string;
  name?: string | null;
  dateFinished?: string | null;
}

export function renderDeployList(deploys: DeployLike[], now: Date): string {
  return renderTable(
    ["Environment", "Name", "Finished"],
    deploys.map((d) => [
      d.environment,
      d.name ?? "unnamed",
      d.dateFinished ? humanDuration(now.getTime() - new Date(d.dateFinished).getTime()) : "-",
    ]),
  );
}
