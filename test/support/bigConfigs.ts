// Large generated configs for the responsiveness tests: a main.cf and a dovecot.conf of a
// chosen size, made of realistic blocks (comments, TLS settings, expansions, nested sections)
// that the checks have real work and real findings in. No vscode import: unit tests use it too.

/** A Postfix main.cf of about `bytes` bytes. */
export function bigMainCf(bytes: number): string {
  const head = [
    '# Generated: a main.cf far larger than any real one.',
    'myhostname = mail.example.test',
    'mydomain = example.test',
    'compatibility_level = 3.6',
    'smtpd_tls_security_level = may',
    'smtpd_tls_protocols = !SSLv2, !SSLv3',
    '',
  ].join('\n');
  const parts = [head];
  let size = head.length;
  for (let i = 0; size < bytes; i++) {
    const block = [
      `# block ${i}: per-site overrides, kept for the record`,
      `site_${i}_relay = [relay${i % 97}.example.test]:587`,
      `site_${i}_maps = hash:/etc/postfix/site_${i}, $mydomain, \${myhostname}`,
      `smtpd_tls_mandatory_protocols = ${i % 2 ? '!SSLv2, !SSLv3' : '>=TLSv1.2'}`,
      `smtpd_tls_ciphers = ${i % 3 ? 'medium' : 'high'}`,
      `smtp_tls_security_level = may`,
      '',
    ].join('\n') + '\n';
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}

/** A Dovecot 2.3 dovecot.conf of about `bytes` bytes. */
export function bigDovecotConf(bytes: number): string {
  const head = [
    '# Generated: a dovecot.conf far larger than any real one.',
    'protocols = imap pop3',
    'listen = 127.0.0.1',
    'ssl = yes',
    'ssl_min_protocol = TLSv1',
    '',
  ].join('\n');
  const parts = [head];
  let size = head.length;
  for (let i = 0; size < bytes; i++) {
    const block = [
      `# namespace ${i}`,
      `namespace ns${i} {`,
      `  prefix = Shared${i}/`,
      `  separator = /`,
      `  mailbox Sent${i} {`,
      `    special_use = \\Sent`,
      `  }`,
      `}`,
      `protocol imap {`,
      `  mail_max_userip_connections = ${10 + (i % 50)}`,
      `}`,
      `ssl_cipher_list = ${i % 2 ? 'ALL:!aNULL' : 'HIGH:!aNULL:!MD5'}`,
      '',
    ].join('\n') + '\n';
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}
