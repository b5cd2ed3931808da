// Protocol core, simulator and runtime arrive with issue 4.
export {};
