// conda versions and package specs for the catalog's search: the same rules as Beacon.Conda (Version, VersionSpec,
// MatchSpec), written again in JavaScript because the page has no server to ask. The tests hold the two to each
// other: conda's 28,530 parsed versions ordered by both, and spec-against-version matches over a generated corpus.
// Only what a search needs is here: name, version spec and build (positional or [version=…, build=…]); channels and
// the other bracket keys are refused with the command that takes them.
(function (global) {
  "use strict";

  var MAX = 18446744073709551615n; // versions are ulong in Beacon.Conda: a larger number is not a version
  var ZERO = { k: 0, v: 0n };
  var POST = { k: 2 };

  function isDigit(c) { return c >= "0" && c <= "9"; }
  function runKind(c) { return isDigit(c) ? 0 : c === "*" ? 1 : 2; }

  function identifier(text) {
    if (text === "post") { return POST; }
    return { k: 1, s: text === "dev" ? "DEV" : text };
  }

  function parseSegment(segment) {
    if (segment.length === 0) { return null; }
    var components = [];
    if (!isDigit(segment[0])) { components.push(ZERO); } // "1.a" orders like "1.0a"
    var start = 0;
    while (start < segment.length) {
      var kind = runKind(segment[start]);
      var end = start + 1;
      while (end < segment.length && runKind(segment[end]) === kind) { end++; }
      var run = segment.slice(start, end);
      if (kind === 0) {
        var value = BigInt(run);
        if (value > MAX) { return null; }
        components.push({ k: 0, v: value });
      } else {
        components.push(identifier(run));
      }
      start = end;
    }
    return components;
  }

  function splitSegments(text, trailingUnderscore) {
    var parts;
    if (trailingUnderscore && text[text.length - 1] === "_") {
      parts = text.slice(0, -1).replace(/_/g, ".").split(".");
      parts[parts.length - 1] += "_"; // openssl's 1.0.1_ < 1.0.1a
    } else {
      parts = text.replace(/_/g, ".").split(".");
    }
    var segments = [];
    for (var i = 0; i < parts.length; i++) {
      var segment = parseSegment(parts[i]);
      if (segment === null) { return null; }
      segments.push(segment);
    }
    return segments;
  }

  /** A conda version, or null when the text is not one (the same texts Beacon.Conda refuses). */
  function parseVersion(text) {
    var trimmed = String(text).trim();
    if (trimmed.length === 0) { return null; }
    var lower = trimmed.toLowerCase();
    var hasDash = lower.indexOf("-") >= 0;
    if (hasDash && lower.indexOf("_") >= 0) { return null; }
    if (!/^[0-9a-z._+!*-]*$/.test(lower)) { return null; }
    if (hasDash) { lower = lower.replace(/-/g, "_"); }
    var epochSplit = lower.split("!");
    if (epochSplit.length > 2) { return null; }
    var epoch = ZERO;
    if (epochSplit.length === 2) {
      if (!/^[0-9]+$/.test(epochSplit[0])) { return null; }
      var e = BigInt(epochSplit[0]);
      if (e > MAX) { return null; }
      epoch = { k: 0, v: e };
    }
    var localSplit = epochSplit[epochSplit.length - 1].split("+");
    if (localSplit.length > 2) { return null; }
    if (localSplit[0].length === 0) { return null; }
    var main = splitSegments(localSplit[0], true);
    if (main === null) { return null; }
    var local = [];
    if (localSplit.length === 2) {
      local = splitSegments(localSplit[1], false);
      if (local === null) { return null; }
    }
    return { text: trimmed, segments: [[epoch]].concat(main), local: local };
  }

  function compareComponents(a, b) {
    if (a.k === 1) { return b.k === 1 ? (a.s < b.s ? -1 : a.s > b.s ? 1 : 0) : -1; }
    if (b.k === 1) { return 1; }
    if (a.k === 2 || b.k === 2) { return (a.k === 2 ? 1 : 0) - (b.k === 2 ? 1 : 0); }
    return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  }

  function compareParts(a, b) {
    var n = Math.max(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var sa = i < a.length ? a[i] : [];
      var sb = i < b.length ? b[i] : [];
      var m = Math.max(sa.length, sb.length);
      for (var j = 0; j < m; j++) {
        var c = compareComponents(j < sa.length ? sa[j] : ZERO, j < sb.length ? sb[j] : ZERO);
        if (c !== 0) { return c; }
      }
    }
    return 0;
  }

  /** conda's VersionOrder: -1, 0 or 1. */
  function compareVersions(a, b) {
    var c = compareParts(a.segments, b.segments);
    return c !== 0 ? c : compareParts(a.local, b.local);
  }

  /** conda's prefix match (1.2.* and =1.2): 1.2.5 starts with 1.2, 1.20 does not. */
  function startsWith(version, prefix) {
    var mine, theirs;
    if (prefix.local.length > 0) {
      if (compareParts(version.segments, prefix.segments) !== 0) { return false; }
      mine = version.local;
      theirs = prefix.local;
    } else {
      mine = version.segments;
      theirs = prefix.segments;
    }
    var last = theirs.length - 1;
    if (compareParts(mine.slice(0, last), theirs.slice(0, last)) !== 0) { return false; }
    var mySegment = mine.length > last ? mine[last] : [];
    var theirSegment = theirs[last];
    var lastComponent = theirSegment.length - 1;
    for (var j = 0; j < lastComponent; j++) {
      if (compareComponents(j < mySegment.length ? mySegment[j] : ZERO, theirSegment[j]) !== 0) { return false; }
    }
    if (lastComponent >= mySegment.length) { return false; } // 1.2 does not start with 1.2.0
    var wanted = theirSegment[lastComponent];
    var have = mySegment[lastComponent];
    return wanted.k === 1 ? have.k === 1 && have.s.indexOf(wanted.s) === 0 : compareComponents(have, wanted) === 0;
  }

  function globMatches(pattern, value, ignoreCase) {
    if (ignoreCase) { pattern = pattern.toLowerCase(); value = value.toLowerCase(); }
    var pieces = pattern.split("*");
    var first = pieces[0];
    var lastPiece = pieces[pieces.length - 1];
    if (value.length < first.length + lastPiece.length || value.indexOf(first) !== 0
      || value.slice(value.length - lastPiece.length) !== lastPiece) { return false; }
    var at = first.length;
    var end = value.length - lastPiece.length;
    for (var i = 1; i < pieces.length - 1; i++) {
      if (pieces[i].length === 0) { continue; }
      var found = value.slice(0, end).indexOf(pieces[i], at);
      if (found < 0) { return false; }
      at = found + pieces[i].length;
    }
    return true;
  }

  function SpecError(message) { this.message = message; }

  var OPERATORS = ["==", "!=", "<=", ">=", "~=", "<", ">", "="];
  var VERSION_CHARS = /^[0-9a-z._+!*-]*$/;

  function versionOrFail(text) {
    var v = parseVersion(text);
    if (v === null) { throw new SpecError("'" + text + "' is not a conda version"); }
    return v;
  }

  function constraint(op, version) {
    switch (op) {
      case "==": return function (v) { return compareVersions(v, version) === 0; };
      case "!=": return function (v) { return compareVersions(v, version) !== 0; };
      case "<": return function (v) { return compareVersions(v, version) < 0; };
      case "<=": return function (v) { return compareVersions(v, version) <= 0; };
      case ">": return function (v) { return compareVersions(v, version) > 0; };
      case ">=": return function (v) { return compareVersions(v, version) >= 0; };
      case "startswith": return function (v) { return startsWith(v, version); };
      case "!startswith": return function (v) { return !startsWith(v, version); };
    }
    throw new SpecError("invalid operator '" + op + "'");
  }

  function anyVersion() { return true; }

  function parseConstraint(text) {
    if (text === "*" || text === "*.*") { return anyVersion; }
    if (text[0] === "^" || text[text.length - 1] === "$") { throw new SpecError("regex constraints are not supported"); }
    var op = null;
    var rest = text;
    for (var i = 0; i < OPERATORS.length; i++) {
      if (text.indexOf(OPERATORS[i]) === 0) {
        op = OPERATORS[i];
        rest = text.slice(op.length);
        if (rest.length > 0 && "=<>!~".indexOf(rest[0]) >= 0) { throw new SpecError("invalid operator '" + op + rest[0] + "' in '" + text + "'"); }
        break;
      }
    }
    if (op === null && (text[0] === "!" || text[0] === "~")) { throw new SpecError("invalid operator in '" + text + "'"); }
    while (/\*\*$/.test(rest) || /\.\*\.\*$/.test(rest)) { rest = /\*\*$/.test(rest) ? rest.slice(0, -1) : rest.slice(0, -2); }
    if (op === null && (rest === "*" || rest === "*.*")) { return anyVersion; }
    if (op !== null && rest.length === 0) { throw new SpecError("missing version after operator '" + op + "' in '" + text + "'"); }
    if (op !== null && rest === "*") {
      if (op === "=" || op === "==" || op === ">=") { return anyVersion; }
      throw new SpecError("'*' is incompatible with '" + op + "' operator'");
    }
    if (op === null) {
      var trimmed = rest.replace(/\*+$/, "");
      if (trimmed.indexOf("*") >= 0) { return glob(rest); }
      if (rest[rest.length - 1] === "*") {
        var prefix = /\.\*$/.test(rest) ? rest.slice(0, -2) : rest.slice(0, -1);
        return constraint("startswith", versionOrFail(prefix));
      }
      return constraint("==", versionOrFail(rest));
    }
    var wildcard = /\.\*$/.test(rest);
    if (wildcard) {
      rest = rest.slice(0, -2);
    } else if (rest[rest.length - 1] === "*" && (op === "=" || op === "==")) {
      wildcard = true;
      rest = rest.slice(0, -1);
    }
    if (rest.indexOf("*") >= 0) {
      if (op === "=") { return glob(rest + (wildcard ? ".*" : "")); }
      throw new SpecError("'*' is incompatible with '" + op + "' operator'");
    }
    var version = versionOrFail(rest);
    switch (op) {
      case "=": return constraint("startswith", version);
      case "==": return constraint(wildcard ? "startswith" : "==", version);
      case "!=": return constraint(wildcard ? "!startswith" : "!=", version);
      case "~=":
        if (wildcard) { throw new SpecError("invalid operator '~=' with '.*' in '" + text + "'"); }
        if (version.segments.length - 1 < 2) { throw new SpecError("'~=" + rest + "' needs at least two version segments"); }
        var compatible = { text: "", segments: version.segments.slice(0, -1), local: [] };
        return function (v) { return compareVersions(v, version) >= 0 && startsWith(v, compatible); };
      default: return constraint(op, version);
    }
  }

  function glob(pattern) {
    if (!VERSION_CHARS.test(pattern.toLowerCase())) { throw new SpecError("invalid character in version pattern '" + pattern + "'"); }
    return function (v) { return globMatches(pattern, v.text, true); };
  }

  /** conda's lenient version spec grammar: or := and ('|' and)*, and := atom (',' atom)*, atom := '(' or ')' | constraint. */
  function parseVersionSpec(input) {
    var text = String(input).replace(/\s+/g, "");
    if (text.length === 0) { throw new SpecError("empty version spec"); }
    var pos = 0;
    var depth = 0;
    function peek() { return pos < text.length ? text[pos] : ""; }
    function parseOr() {
      var parts = [parseAnd()];
      while (peek() === "|") { pos++; parts.push(parseAnd()); }
      return parts.length === 1 ? parts[0] : function (v) { return parts.some(function (p) { return p(v); }); };
    }
    function parseAnd() {
      var parts = [parseAtom()];
      while (peek() === ",") { pos++; parts.push(parseAtom()); }
      return parts.length === 1 ? parts[0] : function (v) { return parts.every(function (p) { return p(v); }); };
    }
    function parseAtom() {
      if (peek() === "(") {
        if (++depth > 32) { throw new SpecError("version spec nests parentheses deeper than 32"); }
        pos++;
        var inner = parseOr();
        depth--;
        if (peek() !== ")") { throw new SpecError("missing ')' in version spec '" + text + "'"); }
        pos++;
        return inner;
      }
      var start = pos;
      while (pos < text.length && ",|()".indexOf(text[pos]) < 0) { pos++; }
      if (pos === start) { throw new SpecError("expected a version constraint at position " + start + " of '" + text + "'"); }
      return parseConstraint(text.slice(start, pos));
    }
    var spec = parseOr();
    if (pos < text.length) { throw new SpecError("unexpected '" + text[pos] + "' in version spec '" + input + "'"); }
    return spec;
  }

  // conda's split of "version build": the build follows the first space or '=' that no operator character precedes
  // and after which none follows (Beacon.Conda's MatchSpecParser.SplitVersionAndBuild).
  function splitVersionAndBuild(text) {
    var lastOperator = -1;
    for (var i = 0; i < text.length; i++) { if ("-=,|<>~".indexOf(text[i]) >= 0) { lastOperator = i; } }
    for (var p = Math.max(1, lastOperator); p < text.length - 1; p++) {
      if ((text[p] === " " || text[p] === "=") && "=!|,<>~".indexOf(text[p - 1]) < 0 && lastOperator <= p) {
        var build = text.slice(p + 1).trim();
        return { version: text.slice(0, p).replace(/ /g, ""), build: build.length === 0 ? null : build };
      }
    }
    return { version: text.replace(/ /g, ""), build: null };
  }

  function translateEqualsForm(version, hasBuild) {
    if (version[0] !== "=" || version.indexOf("==") === 0) { return version; }
    var rest = version.slice(1);
    if (/[=,|]/.test(rest)) { return rest; }
    if (rest === "*") { return "=*"; }
    var star = rest[rest.length - 1] === "*";
    return hasBuild || star ? "==" + rest.replace(/\*+$/, "") + (star ? "*" : "") : rest + ".*";
  }

  var BRACKET_KEYS = ["build", "build_number", "channel", "fn", "license", "md5", "name", "sha256", "subdir", "url", "version"];

  // The [key=value, …] of a spec, as Beacon.Conda reads them: values quoted or bare (a bare value ends at a space, or at
  // a comma that a new key= follows). Only version and build can be searched here; the rest are refused by name.
  function parseBrackets(body) {
    var result = {};
    var i = 0;
    function nextIsKey(from) {
      var j = from;
      while (j < body.length && body[j] === " ") { j++; }
      var start = j;
      while (j < body.length && /[A-Za-z0-9_-]/.test(body[j])) { j++; }
      return j > start && j < body.length && body[j] === "=";
    }
    while (i < body.length) {
      while (i < body.length && (body[i] === " " || body[i] === ",")) { i++; }
      if (i >= body.length) { break; }
      var keyStart = i;
      while (i < body.length && body[i] !== "=" && body[i] !== " " && body[i] !== ",") { i++; }
      var key = body.slice(keyStart, i);
      if (i >= body.length || body[i] !== "=" || key.length === 0) { throw new SpecError("key-value mismatch in brackets: expected key=value near '" + body.slice(keyStart) + "'"); }
      i++;
      var value;
      if (i < body.length && (body[i] === "\"" || body[i] === "'")) {
        var quote = body[i];
        var end = body.indexOf(quote, i + 1);
        if (end < 0) { throw new SpecError("unterminated quote in brackets after '" + key + "='"); }
        value = body.slice(i + 1, end);
        i = end + 1;
      } else {
        var valueStart = i;
        while (i < body.length && body[i] !== " " && !(body[i] === "," && nextIsKey(i + 1))) { i++; }
        value = body.slice(valueStart, i);
        if (/["']/.test(value)) { throw new SpecError("a quote inside the unquoted value of '" + key + "'; quote the whole value"); }
      }
      if (value.length === 0) { throw new SpecError("key-value mismatch in brackets: '" + key + "' has no value"); }
      if (BRACKET_KEYS.indexOf(key) < 0) { throw new SpecError("unknown key '" + key + "' in brackets (known: " + BRACKET_KEYS.join(", ") + ")"); }
      result[key] = value;
    }
    delete result.name; // a bracket name never overrides the positional one
    var unsearched = Object.keys(result).filter(function (k) { return k !== "version" && k !== "build"; });
    if (unsearched.length > 0) { throw new SpecError("[" + unsearched.join(", ") + "] are not searched here; use beacon route --requires"); }
    return result;
  }

  /** One package spec: { name, text, matches(record) }; throws SpecError with the reason. */
  function parseMatchSpec(input) {
    var text = String(input).trim();
    if (text.length === 0) { throw new SpecError("empty package spec"); }
    if (text.length > 1024) { throw new SpecError("a package spec of " + text.length + " characters; at most 1024 are allowed"); }
    if (text.indexOf("::") >= 0) {
      throw new SpecError("'" + text + "': channels are not searched here; use beacon route --requires");
    }
    var brackets = {};
    var open = text.indexOf("[");
    if (open >= 0) {
      var close = text.lastIndexOf("]");
      if (close < open) { throw new SpecError("missing ']' in '" + text + "'"); }
      if (close !== text.length - 1) { throw new SpecError("unexpected text after ']' in '" + text + "'"); }
      brackets = parseBrackets(text.slice(open + 1, close));
      text = text.slice(0, open);
    }
    var nameEnd = 0;
    while (nameEnd < text.length && " =<>!~".indexOf(text[nameEnd]) < 0) { nameEnd++; }
    var name = text.slice(0, nameEnd).toLowerCase();
    if (name.length === 0) { throw new SpecError("no package name found in '" + text + "'"); }
    if (!/^[a-z0-9._-]+$/.test(name)) { throw new SpecError("invalid package name '" + text.slice(0, nameEnd) + "': names use letters, digits, '-', '_' and '.'"); }
    var rest = text.slice(nameEnd).trim();
    var version = anyVersion;
    var build = null;
    if (rest.length > 0) {
      var split = splitVersionAndBuild(rest);
      var versionText = split.version;
      if (versionText === "=" || versionText === "==" || versionText === "" || /^=+$/.test(versionText)) {
        throw new SpecError("missing version after '" + versionText + "' in '" + text + "'");
      }
      versionText = translateEqualsForm(versionText, split.build !== null);
      // A bare version in the positional slot is exact ("foo 1.0" is "foo ==1.0").
      version = /^[A-Za-z0-9._+!-]+$/.test(versionText)
        ? constraint("==", versionOrFail(versionText))
        : parseVersionSpec(versionText);
      build = split.build;
    }
    if (brackets.version !== undefined) { version = parseVersionSpec(brackets.version); }
    if (brackets.build !== undefined) { build = brackets.build; }
    if (build !== null && !/^[A-Za-z0-9_.+!*]+$/.test(build)) { throw new SpecError("the build string '" + build + "' is not valid"); }
    text = String(input).trim();
    return {
      name: name,
      text: text,
      matches: function (pkg) {
        if (pkg.name !== name) { return false; }
        var v = parseVersion(pkg.version);
        if (v === null || !version(v)) { return false; }
        return build === null || (build.indexOf("*") >= 0 ? globMatches(build, pkg.build, false) : build === pkg.build);
      }
    };
  }

  /**
   * A search: package specs separated by ';', '&', a new line, the word 'and', or a comma before a new name
   * ("pandas >=2, pyarrow"); '≥', '≤' and '≠' read as '>=', '<=' and '!='.
   */
  function parseQuery(query) {
    var text = String(query).replace(/≥/g, ">=").replace(/≤/g, "<=").replace(/≠/g, "!=");
    // Split outside brackets and quotes only: "numpy[version='>=1,<2', build=py*], pandas" is two specs.
    var parts = [];
    var start = 0;
    var depth = 0;
    var quote = null;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quote !== null) { if (c === quote) { quote = null; } continue; }
      if (c === "'" || c === "\"") { if (depth > 0) { quote = c; } continue; }
      if (c === "[") { depth++; continue; }
      if (c === "]") { depth = Math.max(0, depth - 1); continue; }
      if (depth > 0) { continue; }
      var cut = 0;
      if (c === ";" || c === "&" || c === "\n") {
        cut = 1;
      } else if (/\s/.test(c)) {
        var word = /^\s+and\s+/.exec(text.slice(i));
        if (word) { cut = word[0].length; }
      } else if (c === "," && /^,\s*[A-Za-z][A-Za-z0-9._-]*(?:\s|[=<>!~\[]|$)/.test(text.slice(i))) {
        cut = 1;
      }
      if (cut > 0) {
        parts.push(text.slice(start, i));
        start = i + cut;
        i = start - 1;
      }
    }
    parts.push(text.slice(start));
    var specs = [];
    for (var k = 0; k < parts.length; k++) {
      if (parts[k].trim().length > 0) { specs.push(parseMatchSpec(parts[k])); }
    }
    if (specs.length === 0) { throw new SpecError("name at least one package, e.g. pandas >=2 and pyarrow"); }
    return specs;
  }

  global.BeaconConda = {
    parseVersion: parseVersion,
    compareVersions: compareVersions,
    parseVersionSpec: parseVersionSpec,
    parseMatchSpec: parseMatchSpec,
    parseQuery: parseQuery,
    SpecError: SpecError
  };
})(window);
