// The tool's version, for reports that name the producing tool (SARIF's driver.version).
export const TOOL_VERSION = '0.1.0';
