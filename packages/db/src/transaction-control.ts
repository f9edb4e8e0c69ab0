// Finds statements in a migration that end or start a transaction themselves (BEGIN, COMMIT,
// ROLLBACK, END, ABORT, START TRANSACTION, PREPARE TRANSACTION). The runner wraps every
// migration in its own transaction, so such a statement would commit part of the migration
// behind the runner's back: the runner could no longer roll it back, nor tell the truth about it.
//
// Hand-written on purpose: only statement boundaries and each statement's first words are
// needed, and the lexical rules that decide them (comments, quoted strings and identifiers,
// dollar quotes, SQL-standard `BEGIN ATOMIC` bodies) are few and fixed by PostgreSQL's grammar.
// The real parser (libpg-query) is a multi-megabyte WebAssembly build we would load for this one
// question. The runner also checks, after running a migration, that its transaction is still
// open (migrate.ts), so anything this scan missed is still reported truthfully, never hidden.

export interface TransactionControlStatement {
  /** The statement's leading keywords, e.g. `COMMIT` or `START TRANSACTION`. */
  keyword: string;
  /** 1-based line of the statement in the migration file. */
  line: number;
}

const isWordStart = (c: string | undefined) => c !== undefined && /[A-Za-z_\u0080-\uffff]/.test(c);
const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Leading words that end (or open a second level of) the runner's transaction. */
function transactionControl(words: string[]): string | null {
  const [first, second] = words;
  switch (first) {
    case "BEGIN":
    case "COMMIT":
    case "END":
    case "ABORT":
      return first;
    case "ROLLBACK":
      // ROLLBACK TO [SAVEPOINT] x stays inside the transaction.
      return second === "TO" ? null : "ROLLBACK";
    case "START":
      return second === "TRANSACTION" ? "START TRANSACTION" : null;
    case "PREPARE":
      return second === "TRANSACTION" ? "PREPARE TRANSACTION" : null;
    default:
      return null;
  }
}

export function findTransactionControl(sql: string): TransactionControlStatement[] {
  const found: TransactionControlStatement[] = [];
  let line = 1;
  let words: string[] = []; // the current statement's words, upper-cased (only the first few matter)
  let statementLine = 1;
  let statementStarted = false;
  // Inside a SQL-standard function body (`BEGIN ATOMIC … END`), semicolons do not end the
  // statement; CASE … END and nested BEGIN … END blocks inside it are counted like psql does.
  let atomicDepth = 0;

  const endStatement = () => {
    const keyword = transactionControl(words);
    if (keyword) found.push({ keyword, line: statementLine });
    words = [];
    statementStarted = false;
  };
  const startToken = () => {
    if (!statementStarted) {
      statementStarted = true;
      statementLine = line;
    }
  };
  const countLines = (text: string) => {
    for (const c of text) if (c === "\n") line++;
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
    } else if (c === "/" && next === "*") {
      // Block comments nest in PostgreSQL.
      let depth = 1;
      let j = i + 2;
      while (j < sql.length && depth > 0) {
        if (sql[j] === "/" && sql[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (sql[j] === "*" && sql[j + 1] === "/") {
          depth--;
          j += 2;
        } else j++;
      }
      countLines(sql.slice(i, j));
      i = j;
    } else if (c === "'" || ((c === "E" || c === "e") && next === "'" && !isWordChar(sql[i - 1]))) {
      // '…' with '' as the escape; E'…' also takes backslash escapes.
      startToken();
      const escapes = c !== "'";
      let j = escapes ? i + 2 : i + 1;
      while (j < sql.length) {
        if (escapes && sql[j] === "\\") j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      countLines(sql.slice(i, j + 1));
      words.push("'");
      i = j + 1;
    } else if (c === '"') {
      startToken();
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '"' && sql[j + 1] === '"') j += 2;
        else if (sql[j] === '"') break;
        else j++;
      }
      countLines(sql.slice(i, j + 1));
      words.push('"');
      i = j + 1;
    } else if (
      c === "$" &&
      !isWordChar(sql[i - 1]) &&
      /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.test(sql.slice(i))
    ) {
      // $tag$ … $tag$ (function bodies, DO blocks): nothing inside counts.
      startToken();
      const tag = sql.slice(i).match(/^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/)![0];
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      countLines(sql.slice(i, stop));
      words.push("$");
      i = stop;
    } else if (c === ";") {
      if (atomicDepth === 0) endStatement();
      i++;
    } else if (isWordStart(c)) {
      startToken();
      let j = i + 1;
      while (isWordChar(sql[j])) j++;
      const word = sql.slice(i, j).toUpperCase();
      const previous = words[words.length - 1];
      if (atomicDepth > 0) {
        if (word === "BEGIN" || word === "CASE") atomicDepth++;
        else if (word === "END") atomicDepth--;
      } else if (word === "ATOMIC" && previous === "BEGIN" && words.length > 1) {
        atomicDepth = 1;
      }
      words.push(word);
      i = j;
    } else {
      startToken();
      words.push(c);
      i++;
    }
  }
  if (statementStarted) endStatement();
  return found;
}
