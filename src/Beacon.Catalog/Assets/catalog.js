// The catalog page: the layer tree, a layer's packages, the stacks' workloads, and a search that routes a package
// query to the minimum acceptable layer by Beacon's routing rule (Beacon.Layers.Routing.Router). Everything is built
// with DOM calls and textContent: no value from the data is ever parsed as HTML.
(function (global) {
  "use strict";

  var data = global.BEACON_CATALOG;
  var conda = global.BeaconConda;

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    if (attributes) {
      Object.keys(attributes).forEach(function (key) {
        if (attributes[key] !== null && attributes[key] !== undefined) { node.setAttribute(key, attributes[key]); }
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function bytes(n) {
    if (n === null || n === undefined) { return "size unknown"; }
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var value = n;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
  }

  function layerLink(name) { return el("a", { href: "#layer=" + encodeURIComponent(name), "class": "layer-link" }, [name]); }

  // A layer's environment is the packages it adds plus its ancestors' (the gate proved a child's lock holds all of its
  // parent's); the layers come parents first.
  var byName = {};
  var environment = {};
  data.layers.forEach(function (layer) {
    byName[layer.name] = layer;
    var own = layer.packages.map(function (p) { return { pkg: p, own: true }; });
    var inherited = layer.parent !== null && environment[layer.parent]
      ? environment[layer.parent].map(function (e) { return { pkg: e.pkg, own: false }; }) : [];
    environment[layer.name] = own.concat(inherited).sort(function (a, b) {
      return a.pkg.name < b.pkg.name ? -1 : a.pkg.name > b.pkg.name ? 1 : 0;
    });
  });
  var children = {};
  data.layers.forEach(function (layer) {
    if (layer.parent !== null) { (children[layer.parent] = children[layer.parent] || []).push(layer); }
  });

  // ---- routing (the same predicates as Router.Route, in the same order) ----

  function stageRank(stage) { return data.stages.indexOf(stage); }

  var ordered = data.layers.slice().sort(function (a, b) {
    var pa = a.locked ? a.packageCount : Infinity;
    var pb = b.locked ? b.packageCount : Infinity;
    if (pa !== pb) { return pa < pb ? -1 : 1; }
    if (a.depth !== b.depth) { return a.depth - b.depth; }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });

  function findStack(name) {
    for (var i = 0; i < data.stacks.length; i++) { if (data.stacks[i].name === name) { return data.stacks[i]; } }
    return null;
  }

  /**
   * The minimum acceptable layer for these specs: { layer, candidates } where candidates are the platform's layers,
   * smallest first, each with the reasons it was rejected. options: stack, hardware, platform, stage (all optional).
   */
  function route(specs, options) {
    options = options || {};
    var stack = options.stack ? findStack(options.stack) : null;
    var platform = options.platform || data.defaultPlatform;
    var hardware = options.hardware || data.defaultHardware;
    var profiles = stack ? stack.hardware : data.hardware;
    var gpuOf = {};
    profiles.forEach(function (p) { gpuOf[p.name] = p.gpu; });
    var workloadHasGpu = gpuOf[hardware] === true;

    function needsGpu(layer) { return layer.hardware !== null && gpuOf[layer.hardware] === true && !workloadHasGpu; }
    function has(layer, spec) { return environment[layer.name].some(function (e) { return spec.matches(e.pkg); }); }
    function accepts(layer) {
      return (stack === null || stack.platforms === null || stack.platforms.indexOf(layer.platform) >= 0)
        && (stack === null || stack.stages.indexOf(layer.stage) >= 0)
        && layer.locked
        && specs.every(function (s) { return has(layer, s); })
        && !needsGpu(layer);
    }

    var floor = options.stage ? stageRank(options.stage) : null;
    if (floor === null) {
      ordered.forEach(function (layer) {
        if (layer.platform === platform && (floor === null || stageRank(layer.stage) > floor) && accepts(layer)) { floor = stageRank(layer.stage); }
      });
    }
    var chosen = null;
    if (floor !== null) {
      for (var i = 0; i < ordered.length; i++) {
        var layer = ordered[i];
        if (layer.platform === platform && stageRank(layer.stage) >= floor && accepts(layer)) { chosen = layer.name; break; }
      }
    }
    var candidates = ordered.filter(function (l) { return l.platform === platform; }).map(function (layer) {
      var reasons = [];
      if (stack !== null && stack.platforms !== null && stack.platforms.indexOf(layer.platform) < 0) { reasons.push("stack '" + stack.name + "' deploys no " + layer.platform + " layers"); }
      if (stack !== null && stack.stages.indexOf(layer.stage) < 0) { reasons.push("stage " + layer.stage + " is not deployed by stack '" + stack.name + "'"); }
      if (!layer.locked) {
        reasons.push("it has no valid lock");
      } else {
        specs.forEach(function (spec) {
          var named = environment[layer.name].filter(function (e) { return e.pkg.name === spec.name; });
          if (named.length === 0) { reasons.push("it has no " + spec.name + " (needs '" + spec.text + "')"); }
          else if (!has(layer, spec)) { reasons.push("it has " + spec.name + " " + named[0].pkg.version + ", not '" + spec.text + "'"); }
        });
      }
      if (needsGpu(layer)) { reasons.push("it needs GPU hardware (" + layer.hardware + ") and the work runs on " + hardware); }
      if (floor !== null && stageRank(layer.stage) < floor) { reasons.push("stage " + layer.stage + " is less stable than " + data.stages[floor] + ", where the work can run"); }
      return { layer: layer.name, packages: layer.locked ? layer.packageCount : null, reasons: reasons };
    });
    return { layer: chosen, candidates: candidates };
  }

  // ---- rendering ----

  function option(value, text, selected) {
    var o = el("option", { value: value }, [text]);
    if (selected) { o.selected = true; }
    return o;
  }

  function fillSelect(select, options) {
    while (select.firstChild) { select.removeChild(select.firstChild); }
    options.forEach(function (o) { select.appendChild(o); });
  }

  function renderSearchControls() {
    var stack = document.getElementById("stack");
    fillSelect(stack, [option("", "any stack (every stage)", true)].concat(data.stacks.map(function (s) { return option(s.name, s.name + " (" + s.target + ")"); })));
    var platform = document.getElementById("platform");
    fillSelect(platform, data.platforms.map(function (p) { return option(p, p, p === data.defaultPlatform); }));
    var stage = document.getElementById("stage");
    fillSelect(stage, [option("", "the most stable that fits", true)].concat(data.stages.map(function (s) { return option(s, s + " or more stable"); })));
    renderHardware();
    stack.addEventListener("change", renderHardware);
  }

  function renderHardware() {
    var stack = findStack(document.getElementById("stack").value);
    var profiles = stack ? stack.hardware : data.hardware;
    fillSelect(document.getElementById("hardware"), profiles.map(function (p) {
      return option(p.name, p.name + (p.gpu ? " (GPU)" : ""), p.name === data.defaultHardware);
    }));
  }

  function search(event) {
    if (event) { event.preventDefault(); }
    var answer = document.getElementById("answer");
    while (answer.firstChild) { answer.removeChild(answer.firstChild); }
    var specs;
    try {
      specs = conda.parseQuery(document.getElementById("query").value);
    } catch (e) {
      if (!(e instanceof conda.SpecError)) { throw e; }
      answer.setAttribute("data-layer", "");
      answer.setAttribute("data-error", e.message);
      answer.appendChild(el("p", { "class": "error" }, [e.message]));
      return;
    }
    answer.removeAttribute("data-error");
    var result = route(specs, {
      stack: document.getElementById("stack").value,
      hardware: document.getElementById("hardware").value,
      platform: document.getElementById("platform").value,
      stage: document.getElementById("stage").value
    });
    answer.setAttribute("data-layer", result.layer || "");
    if (result.layer === null) {
      answer.appendChild(el("p", { "class": "none" }, ["No layer is acceptable for " + specs.map(function (s) { return s.text; }).join(", ") + "."]));
    } else {
      var layer = byName[result.layer];
      answer.appendChild(el("p", { "class": "found" }, ["Minimum acceptable layer: ", layerLink(layer.name),
        " (" + layer.packageCount + " packages, " + layer.stage + (layer.hardware ? ", " + layer.hardware : "") + ")"]));
    }
    var rejected = result.layer === null ? result.candidates : result.candidates.slice(0, result.candidates.findIndex(function (c) { return c.layer === result.layer; }));
    rejected = rejected.filter(function (c) { return c.reasons.length > 0; });
    if (rejected.length > 0) {
      answer.appendChild(el("ul", { "class": "rejected" }, rejected.map(function (c) {
        return el("li", null, ["not ", layerLink(c.layer), (c.packages === null ? "" : " (" + c.packages + " packages)") + ": " + c.reasons.join("; ")]);
      })));
    }
  }

  function badge(kind, text) { return el("span", { "class": "badge " + kind }, [text]); }

  function treeItem(layer) {
    var own = layer.packages.length;
    var item = el("li", { "data-layer": layer.name }, [
      el("div", { "class": "node" }, [
        layerLink(layer.name), " ",
        badge("stage-" + layer.stage, layer.stage),
        layer.hardware ? badge("hardware", layer.hardware) : null,
        el("span", { "class": "count" }, [layer.locked ? own + " own / " + layer.packageCount + " packages" : "no valid lock"]),
        el("span", { "class": "size" }, [bytes(layer.ownSize)]),
        layer.owners.length > 0 ? el("span", { "class": "owners" }, [layer.owners.join(" ")]) : null
      ])
    ]);
    var kids = children[layer.name] || [];
    if (kids.length > 0) { item.appendChild(el("ul", null, kids.map(treeItem))); }
    return item;
  }

  function renderTree() {
    var tree = document.getElementById("tree");
    data.layers.filter(function (l) { return l.parent === null; }).forEach(function (root) {
      tree.appendChild(el("section", { "class": "root", "data-root": root.name }, [
        el("h2", null, [root.name + " · " + root.platform]),
        el("ul", { "class": "tree" }, [treeItem(root)])
      ]));
    });
  }

  function row(term, value, extra) { return [el("dt", null, [term]), el("dd", null, [value, extra])]; }

  function renderLayer(name) {
    var detail = document.getElementById("detail");
    while (detail.firstChild) { detail.removeChild(detail.firstChild); }
    var layer = byName[name];
    Array.prototype.forEach.call(document.querySelectorAll("#tree li.selected"), function (li) { li.classList.remove("selected"); });
    if (!layer) {
      detail.appendChild(el("p", { "class": "hint" }, ["Choose a layer in the tree, or search for packages."]));
      return;
    }
    var li = document.querySelector("#tree li[data-layer=\"" + CSS.escape(name) + "\"]");
    if (li) { li.classList.add("selected"); }
    detail.setAttribute("data-layer", name);
    var facts = [].concat(
      row("parent", layer.parent ? layerLink(layer.parent) : "none (a root: " + layer.platform + ")"),
      row("stage", layer.stage),
      row("hardware", layer.hardware || "any"),
      row("owners", layer.owners.length ? layer.owners.join(", ") : "none named"),
      row("file", layer.file),
      row("download size", bytes(layer.ownSize) + " its own, " + bytes(layer.totalSize) + " with its ancestors"),
      row("kernel", layer.kernel ? layer.kernel.displayName + " (" + layer.kernel.name + ")" : layer.kernelLacks),
      row("devcontainer", layer.devContainer.path + (layer.devContainer.command ? ", written by: " : " (no stack deploys it to a registry it names)"),
        layer.devContainer.command ? el("code", { "class": "command" }, [layer.devContainer.command]) : null),
      row("images", layer.images.length ? el("ul", null, layer.images.map(function (i) { return el("li", null, [i.stack + ": " + i.reference]); })) : "no stack deploys it"));
    var ownOnly = el("input", { type: "checkbox", id: "own-only" });
    var table = el("table", { "class": "packages" });
    function fill() {
      while (table.firstChild) { table.removeChild(table.firstChild); }
      table.appendChild(el("thead", null, [el("tr", null, ["package", "version", "build", "channel", "size", "licence", ""].map(function (h) { return el("th", null, [h]); }))]));
      table.appendChild(el("tbody", null, environment[layer.name].filter(function (e) { return e.own || !ownOnly.checked; }).map(function (e) {
        var p = e.pkg;
        return el("tr", { "class": e.own ? "own" : "inherited", "data-package": p.name }, [
          el("td", null, [p.name]), el("td", null, [p.version]), el("td", null, [p.build]),
          el("td", null, [p.channel + "/" + p.subdir]), el("td", { "class": "num" }, [bytes(p.size)]),
          el("td", null, [p.license || ""]), el("td", null, [e.own ? "own" : "inherited"])
        ]);
      })));
    }
    ownOnly.addEventListener("change", fill);
    fill();
    detail.appendChild(el("h2", null, [layer.name]));
    if (layer.description) { detail.appendChild(el("p", { "class": "description" }, [layer.description])); }
    detail.appendChild(el("dl", null, facts));
    detail.appendChild(el("label", { "class": "filter" }, [ownOnly, " only the packages it adds"]));
    detail.appendChild(table);
  }

  function renderStacks() {
    var stacks = document.getElementById("stacks");
    data.stacks.forEach(function (stack) {
      var section = el("section", { "class": "stack", "data-stack": stack.name }, [
        el("h3", null, [stack.name + " · " + stack.target + " · deploys " + stack.stages.join(", ")])
      ]);
      if (stack.workloads.length === 0) {
        section.appendChild(el("p", { "class": "hint" }, ["No workloads."]));
      } else {
        section.appendChild(el("table", { "class": "workloads" }, [
          el("thead", null, [el("tr", null, ["workload", "kind", "layer", "hardware", "node pool", "replicas", "requires"].map(function (h) { return el("th", null, [h]); }))]),
          el("tbody", null, stack.workloads.map(function (w) {
            return el("tr", { "data-workload": w.name }, [
              el("td", null, [w.name]), el("td", null, [w.kind]),
              el("td", null, [layerLink(w.layer), w.pinned ? " (pinned)" : ""]),
              el("td", null, [w.hardware]), el("td", null, [w.pool]), el("td", { "class": "num" }, [String(w.replicas)]),
              el("td", null, [w.requires.join(", ")])
            ]);
          }))
        ]));
      }
      stack.problems.forEach(function (p) { section.appendChild(el("p", { "class": "error" }, [p])); });
      stacks.appendChild(section);
    });
  }

  function onHash() {
    var match = /^#layer=(.+)$/.exec(global.location.hash);
    renderLayer(match ? decodeURIComponent(match[1]) : null);
  }

  function start() {
    var began = global.performance.now();
    document.getElementById("organisation").textContent = data.organisation;
    var roots = data.layers.filter(function (l) { return l.parent === null; }).length;
    document.getElementById("summary").textContent = data.layers.length + " layers in " + roots + (roots === 1 ? " tree" : " trees")
      + " · " + data.stacks.length + (data.stacks.length === 1 ? " stack" : " stacks");
    renderSearchControls();
    renderTree();
    renderStacks();
    onHash();
    global.addEventListener("hashchange", onHash);
    document.getElementById("search-form").addEventListener("submit", search);
    global.BeaconCatalog.renderMs = global.performance.now() - began;
    global.BeaconCatalog.readyAt = global.performance.now(); // since navigation started: scripts parsed and run, page built
    document.body.setAttribute("data-ready", "true");
  }

  global.BeaconCatalog = { route: route, search: search, renderMs: null, readyAt: null };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})(window);
