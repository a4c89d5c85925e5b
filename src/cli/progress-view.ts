import type { Box as InkBox, Text as InkText } from "ink";
import type { createElement as reactCreateElement } from "react";
import { stateText, type Row } from "./progress-state.js";

// Ink and React are loaded with import(), never imported by this module: Ink is ESM with top-level await,
// which the CommonJS CLI bundle cannot require(), and neither is needed off a terminal.
export interface Ui {
  Box: typeof InkBox;
  Text: typeof InkText;
  h: typeof reactCreateElement;
  render: typeof import("ink").render;
  useEffect: typeof import("react").useEffect;
  useState: typeof import("react").useState;
}

/** Ink and React, loaded on a terminal only. */
export async function loadUi(): Promise<Ui> {
  const react = await import("react");
  const ink = await import("ink");
  return {
    Box: ink.Box,
    Text: ink.Text,
    render: ink.render,
    h: react.createElement,
    useEffect: react.useEffect,
    useState: react.useState,
  };
}

const MARK: Record<Row["state"], { mark: string; color: string }> = {
  waiting: { mark: "·", color: "gray" },
  running: { mark: "▶", color: "cyan" },
  done: { mark: "✔", color: "green" },
  checked: { mark: "~", color: "yellow" },
  "dry-run": { mark: "✔", color: "yellow" },
  failed: { mark: "✘", color: "red" },
  skipped: { mark: "–", color: "gray" },
};

/** The live table: one line per component, mark, name, type and state, columns aligned. */
export const progressTable = ({ Box, Text, h }: Pick<Ui, "Box" | "Text" | "h">) =>
  function ProgressTable({ rows, now }: { rows: readonly Row[]; now: number }) {
    const nameWidth = Math.max(9, ...rows.map((r) => r.component.length));
    const typeWidth = Math.max(4, ...rows.map((r) => r.type.length));
    const counts = rows.reduce<Record<string, number>>(
      (acc, r) => ((acc[r.state] = (acc[r.state] ?? 0) + 1), acc),
      {},
    );
    const summary = (["done", "dry-run", "running", "waiting", "failed", "skipped"] as const)
      .filter((k) => counts[k])
      .map((k) => `${counts[k]} ${k}`)
      .join(", ");
    return h(
      Box,
      { flexDirection: "column" },
      ...rows.map((r) =>
        h(
          Text,
          { key: r.component },
          h(Text, { color: MARK[r.state].color }, MARK[r.state].mark),
          ` ${r.component.padEnd(nameWidth)}  ${r.type.padEnd(typeWidth)}  `,
          h(Text, { color: MARK[r.state].color }, stateText(r, now)),
        ),
      ),
      h(Text, { dimColor: true }, summary),
    );
  };
