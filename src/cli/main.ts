// Placeholder entry; the real CLI lands with the probe engine.
process.stdout.write('mail-tls: not implemented yet\n');
