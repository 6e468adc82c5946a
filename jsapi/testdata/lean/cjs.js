// A CommonJS module: esbuild's __toESM copies its exports through __copyProps.
exports.a = 'A';
exports.b = 'B';
exports.c = function () { return 'C'; };
