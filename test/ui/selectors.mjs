// Every DOM selector the UI smoke test uses, in one place: these are what break when VS Code's
// workbench changes, so a new VS Code version means reviewing this file only.
// Checked against code-server 4.139.1 (VS Code 1.139).

/** `#workbench.view.extension.<id>` needs escaping as a CSS id; an attribute selector does not. */
const byId = (id) => `[id="${id}"]`;

export const selectors = {
  /** The workbench has rendered (the status bar is among the last parts to appear). */
  workbenchReady: '.monaco-workbench .part.statusbar',
  /** An activity bar entry, by the start of its accessible label (the container's title). */
  activityItem: (title) => `.part.activitybar [aria-label^="${title}"]`,
  /** A view container of ours, once its side bar is open. */
  viewContainer: (containerId) => byId(`workbench.view.extension.${containerId}`),
  /** Rows of the tree view(s) inside a view container. */
  viewRows: (containerId) => `${byId(`workbench.view.extension.${containerId}`)} .monaco-list-row`,
  /** A tree row's status icon (a codicon), e.g. `pass`, `warning`, `error`, `loading`. */
  rowIcon: '.custom-view-tree-node-item-icon, .codicon',
  /** A tree row's expand/collapse arrow. */
  rowTwistie: '.monaco-tl-twistie',
  /** The welcome content a view shows while it is empty. */
  viewWelcome: (containerId) => `${byId(`workbench.view.extension.${containerId}`)} .welcome-view-content`,
  /** The quick input (command palette, quick open) and its result rows. */
  quickInput: '.quick-input-widget:not([style*="display: none"]) input.input',
  quickInputRows: '.quick-input-widget .quick-input-list .monaco-list-row',
  /** The active editor's tab and its text lines. */
  activeTab: '.tabs-container .tab.active',
  editorLines: '.editor-instance .monaco-editor .view-lines',
  /** A token span on a rendered line, by its exact text. */
  editorToken: (text) => `.editor-instance .monaco-editor .view-line span span:text-is("${text}")`,
  /** The editor hover once it is shown. */
  hover: '.monaco-editor .monaco-hover:not(.hidden) .hover-contents',
  /** The Problems panel and its rows (one per file, then one per marker). */
  problemsPanel: '.markers-panel',
  problemsRows: '.markers-panel .monaco-list-row',
  /** Notifications toasts, e.g. a probe's summary or an error from a command. */
  notifications: '.notifications-toasts .notification-toast',
  /** A webview panel's outer frame (VS Code's host page), then the frame holding its content. */
  webviewFrame: 'iframe.webview.ready',
  webviewContent: 'iframe#active-frame',
  /** A modal dialog, e.g. "Command '...' resulted in an error". */
  dialog: '.monaco-dialog-box',
};

/** Palette text: VS Code's own command titles that the smoke test types after F1. */
export const paletteCommands = {
  focusProblems: 'Problems: Focus on Problems View',
  closeAllEditors: 'View: Close All Editors',
  colorTheme: 'Preferences: Color Theme',
  hidePanel: 'View: Hide Panel',
};
