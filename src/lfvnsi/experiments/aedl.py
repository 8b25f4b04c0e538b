"""Reader of GLoBES experiment files (AEDL), the subset that published beam configurations use.

Read: ``include "file"`` (nested, at most 10 deep, anywhere, as the GLoBES lexer does), comments
(``/* */``, ``//``), ``$setting = value``, scalar variables (``NAME = expression``), list
variables (``%name = {...}``), arithmetic (``+ - * / ^``, unary minus, parentheses, ``sin cos
tan asin acos atan log exp log10 sqrt`` on numbers and element-wise on lists), ``copy(list)``,
``reverse(list)``, ``bincenter()`` and ``samplingbincenter()`` (from the binning declared so
far), and the groups ``nuflux``, ``cross``, ``channel``, ``energy``, ``rule`` and ``sys`` with
their ``@attribute = value`` statements. Group names (``#name``) are global: a name must be
defined before it is used, and defining it again (same group kind) continues the earlier
definition, later statements overriding earlier ones (this is how GLoBES treats the
``energy(#x)<>`` placeholder that the DUNE files redefine in an included file).

Not read, each a clear error naming it: multi-experiment files (``#NEXT#``, ``#DETECTOR#``), the
deprecated ``flux`` group, built-in fluxes (``@builtin`` and its parameters), computed energy
resolution (``@type``, ``@sigma_e``, ``@sigma_function``), the chi^2 error lists of the older
chi^2 functions (``@sys_on_errors``, ``@signalerror``, ...), energy-dependent or energy-scale
nuisance parameters (``@energy_list``, ``@error_list``, ``@systype``), the functions ``echo``,
``echon``, ``line``, ``interpolation``, and unknown ``$``/``@`` names. The meaning of the values
(units, defaults, which combinations are allowed) is checked where they are used
(``lfvnsi.experiments.glb``).

Where a file name is relative, it is taken relative to the directory of the top-level file
(GLoBES opens it relative to the working directory of the program; its distributed
configurations are meant to be run from their own directory).

References: GLoBES 3.2 manual (AEDL, part II and appendix); GLoBES source ``glb_lexer.l`` and
``glb_parser.y`` (3.2.17, github koppj/globes commit 958287a).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfvnsi.exceptions import AedlError

__all__ = ["GROUP_KINDS", "AedlDocument", "Attribute", "Group", "NameRef", "read_aedl"]

#: Group kinds read (GLoBES also has the deprecated ``flux``).
GROUP_KINDS = ("nuflux", "cross", "channel", "energy", "rule", "sys")
_MAX_INCLUDE_DEPTH = 10

_SETTINGS = {
    "$version", "$citation", "$target_mass", "$emin", "$emax", "$bins", "$binsize",
    "$sampling_points", "$sampling_min", "$sampling_max", "$sampling_stepsize", "$baseline",
    "$profiletype", "$densitytab", "$lengthtab", "$filter_state", "$filter_value",
    "$densitysteps",
}
_ATTRIBUTES: dict[str, set[str]] = {
    "nuflux": {"@flux_file", "@time", "@power", "@norm", "@stored_muons"},
    "cross": {"@cross_file"},
    "channel": {"@channel", "@pre_smearing_efficiencies", "@post_smearing_efficiencies",
                "@pre_smearing_background", "@post_smearing_background"},
    "energy": {"@energy"},
    "rule": {"@signal", "@background", "@sys_on_function", "@sys_off_function",
             "@errordim_sys_on", "@errordim_sys_off", "@sys_on_multiex_errors_sig",
             "@sys_on_multiex_errors_bg", "@sys_off_multiex_errors_sig",
             "@sys_off_multiex_errors_bg", "@energy_window"},
    "sys": {"@error"},
}
#: GLoBES attributes that exist but are not read here, with what they are.
_UNSUPPORTED = {
    "@builtin": "built-in neutrino-factory and beta-beam fluxes",
    "@parent_energy": "built-in fluxes", "@stored_ions": "built-in fluxes",
    "@gamma": "built-in fluxes", "@end_point": "built-in fluxes",
    "@flux_file_m": "separate antineutrino flux files",
    "@binning_type": "fluxes binned in baseline",
    "@type": "computed energy resolution", "@sigma_e": "computed energy resolution",
    "@sigma_function": "computed energy resolution",
    "@signalerror": "errors of the older chi^2 functions",
    "@backgrounderror": "errors of the older chi^2 functions",
    "@backgroundcenter": "background centres of the older chi^2 functions",
    "@sys_on_errors": "errors of the older chi^2 functions",
    "@sys_off_errors": "errors of the older chi^2 functions",
    "@energy_list": "energy-dependent nuisance parameters",
    "@error_list": "energy-dependent nuisance parameters",
    "@systype": "energy-scale nuisance parameters",
}
_NUMBER_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin, "acos": math.acos,
    "atan": math.atan, "log": math.log, "exp": math.exp, "log10": math.log10, "sqrt": math.sqrt,
}
_UNSUPPORTED_FUNCTIONS = ("echo", "echon", "line", "interpolation")
_FLAVOURS = ((re.compile(r"[eE][lectronLECTRON]*"), 0), (re.compile(r"[mM][uonUON]*"), 1),
             (re.compile(r"[tT][auAU]*"), 2))

_NUM = r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
_TOKEN = re.compile(
    rf"(?P<space>[ \t\r\f\v]+)|(?P<newline>\n)|(?P<line_comment>//[^\n]*)"
    rf"|(?P<block_comment>/\*.*?\*/)|(?P<header>%!GLoBES)|(?P<multi>#NEXT#|#DETECTOR#)"
    rf"|(?P<string>\"[^\"]*\")"
    rf"|(?P<numlist>\{{\s*-?{_NUM}(?:\s*,\s*-?{_NUM})*\s*\}})"
    rf"|(?P<num>{_NUM})"
    rf"|(?P<setting>\$[A-Za-z][A-Za-z0-9_]*)|(?P<attribute>@[A-Za-z][A-Za-z0-9_]*)"
    rf"|(?P<listvar>%[A-Za-z][A-Za-z0-9_]*)|(?P<name>#[A-Za-z][A-Za-z0-9_]*)"
    rf"|(?P<ident>[A-Za-z][A-Za-z0-9_]*)|(?P<op>[=(){{}}<>:,;+\-*/^@])",
    re.DOTALL,
)
_NUMBER_IN_LIST = re.compile(rf"-?{_NUM}")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    where: str


@dataclass(frozen=True)
class NameRef:
    """A reference to a group, ``#name``, as written (resolved by ``glb``)."""

    name: str
    kind: str


@dataclass(frozen=True)
class Attribute:
    """One ``@attribute = value``: its value and where it was set (``file:line``)."""

    value: Any
    where: str


@dataclass
class Group:
    """One group (``kind(#name)< ... >``): attributes by name, the last statement winning."""

    kind: str
    name: str
    index: int
    where: str
    attributes: dict[str, Attribute] = field(default_factory=dict)


@dataclass(frozen=True)
class AedlDocument:
    """A read configuration: settings (``$name`` -> number, tuple of numbers or string), groups
    by kind in order of first definition, the variables and lists it defined, and the files
    read (the top-level file and its includes)."""

    path: Path
    settings: dict[str, Any]
    setting_where: dict[str, str]
    groups: dict[str, tuple[Group, ...]]
    variables: dict[str, float]
    lists: dict[str, tuple[float, ...]]
    files: tuple[Path, ...] = ()

    def group(self, kind: str, name: str) -> Group:
        for g in self.groups.get(kind, ()):
            if g.name == name:
                return g
        raise AedlError(f"{self.path}: no {kind} #{name}")


def _tokens(path: Path, root: Path, depth: int, stack: tuple[Path, ...], opened: list[Path]
            ) -> Iterator[_Token]:
    opened.append(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise AedlError(f"cannot read AEDL file {str(path)!r}: {exc.strerror or exc}") from None
    line = 1
    pos = 0
    pending_include: str | None = None
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise AedlError(f"{path}:{line}: unexpected character {text[pos]!r}")
        kind = m.lastgroup or ""
        value = m.group()
        where = f"{path.name}:{line}"
        pos = m.end()
        line += value.count("\n")
        if kind in ("space", "newline", "line_comment", "block_comment", "header"):
            continue
        if kind == "multi":
            raise AedlError(f"{where}: {value} (several experiments or detectors in one file) is "
                            f"not supported; give one experiment per file")
        if pending_include is not None:
            if kind != "string":
                raise AedlError(f"{pending_include}: include needs a quoted file name")
            if depth >= _MAX_INCLUDE_DEPTH:
                raise AedlError(f"{where}: includes nested more than {_MAX_INCLUDE_DEPTH} deep")
            target = _resolve(root, value[1:-1])
            if target in stack:
                raise AedlError(f"{where}: {value} includes itself")
            yield from _tokens(target, root, depth + 1, (*stack, target), opened)
            pending_include = None
            continue
        if kind == "ident" and value == "include":
            pending_include = where
            continue
        yield _Token(kind, value, where)
    if pending_include is not None:
        raise AedlError(f"{pending_include}: include needs a quoted file name")


def _resolve(root: Path, name: str) -> Path:
    p = Path(name)
    return p if p.is_absolute() else (root / p)


class _Parser:
    def __init__(self, tokens: list[_Token], path: Path) -> None:
        self.tokens = tokens
        self.i = 0
        self.path = path
        self.settings: dict[str, Any] = {}
        self.setting_where: dict[str, str] = {}
        self.variables: dict[str, float] = {}
        self.lists: dict[str, tuple[float, ...]] = {}
        self.names: dict[str, Group] = {}
        self.groups: dict[str, list[Group]] = {k: [] for k in GROUP_KINDS}

    # -- tokens ---------------------------------------------------------------------------
    def peek(self, k: int = 0) -> _Token:
        j = self.i + k
        if j < len(self.tokens):
            return self.tokens[j]
        last = self.tokens[-1].where if self.tokens else f"{self.path.name}:1"
        return _Token("eof", "", last)

    def next(self) -> _Token:
        t = self.peek()
        self.i += 1
        return t

    def error(self, message: str, token: _Token | None = None) -> AedlError:
        t = token or self.peek()
        return AedlError(f"{t.where}: {message}")

    def expect(self, text: str) -> _Token:
        t = self.next()
        if t.text != text:
            got = "end of file" if t.kind == "eof" else repr(t.text)
            raise self.error(f"expected {text!r}, found {got}", t)
        return t

    def accept(self, text: str) -> bool:
        if self.peek().text == text and self.peek().kind in ("op",):
            self.i += 1
            return True
        return False

    # -- expressions -----------------------------------------------------------------------
    def expression(self) -> float:
        value = self.term()
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = self.next().text
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> float:
        value = self.unary()
        while self.peek().kind == "op" and self.peek().text in "*/":
            op = self.next()
            rhs = self.unary()
            if op.text == "/" and rhs == 0:
                raise self.error("division by zero", op)
            value = value * rhs if op.text == "*" else value / rhs
        return value

    def unary(self) -> float:
        if self.peek().kind == "op" and self.peek().text == "-":
            self.next()
            return -self.unary()
        if self.peek().kind == "op" and self.peek().text == "+":
            self.next()
            return self.unary()
        return self.power()

    def power(self) -> float:
        base = self.primary()
        if self.peek().kind == "op" and self.peek().text == "^":
            self.next()
            return float(base ** self.unary())
        return base

    def primary(self) -> float:
        t = self.next()
        if t.kind == "num":
            return float(t.text)
        if t.kind == "op" and t.text == "(":
            value = self.expression()
            self.expect(")")
            return value
        if t.kind == "ident":
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.number_function(t)
            if t.text not in self.variables:
                raise self.error(f"undefined variable {t.text}", t)
            return self.variables[t.text]
        if t.kind == "name":
            raise self.error(f"a name ({t.text}) cannot be used as a number here", t)
        got = "end of file" if t.kind == "eof" else repr(t.text)
        raise self.error(f"expected a number or an expression, found {got}", t)

    def number_function(self, t: _Token) -> float:
        if t.text in _UNSUPPORTED_FUNCTIONS:
            raise self.error(f"the AEDL function {t.text}() is not supported", t)
        if t.text not in _NUMBER_FUNCTIONS:
            raise self.error(f"unknown function {t.text}()", t)
        self.expect("(")
        x = self.expression()
        self.expect(")")
        try:
            return _NUMBER_FUNCTIONS[t.text](x)
        except (ValueError, OverflowError):
            raise self.error(f"{t.text}({x!r}) is not defined", t) from None

    # -- lists -----------------------------------------------------------------------------
    def is_list_start(self) -> bool:
        t = self.peek()
        if t.kind in ("numlist", "listvar") or (t.kind == "op" and t.text == "{"):
            return True
        return t.kind == "ident" and self.peek(1).text == "(" and (
            t.text in ("copy", "reverse", "bincenter", "samplingbincenter")
            or (t.text in _NUMBER_FUNCTIONS and self._list_argument_follows()))

    def _list_argument_follows(self) -> bool:
        t = self.peek(2)
        return t.kind in ("numlist", "listvar") or (t.kind == "op" and t.text == "{")

    def list_value(self, names: str | None = None) -> tuple[Any, ...]:
        """A list of numbers (or of group names of kind ``names``)."""
        t = self.next()
        if t.kind == "numlist":
            return tuple(float(x) for x in _NUMBER_IN_LIST.findall(t.text))
        if t.kind == "listvar":
            if t.text not in self.lists:
                raise self.error(f"undefined list {t.text}", t)
            return self.lists[t.text]
        if t.kind == "op" and t.text == "{":
            items: list[Any] = []
            if self.accept("}"):
                return ()
            while True:
                if names is not None and self.peek().kind == "name":
                    items.append(self.reference(names))
                else:
                    items.append(self.expression())
                if self.accept("}"):
                    return tuple(items)
                self.expect(",")
        if t.kind == "ident":
            self.expect("(")
            if t.text in ("bincenter", "samplingbincenter"):
                self.expect(")")
                return self.centres(t)
            inner = self.list_value()
            self.expect(")")
            if t.text == "copy":
                return inner
            if t.text == "reverse":
                return inner[::-1]
            return tuple(_NUMBER_FUNCTIONS[t.text](x) for x in inner)
        raise self.error(f"expected a list, found {t.text!r}", t)

    def centres(self, t: _Token) -> tuple[float, ...]:
        from lfvnsi.experiments.binning import reconstructed_bins, sampling_bins

        try:
            b = (reconstructed_bins if t.text == "bincenter" else sampling_bins)(self.settings)
        except AedlError as exc:
            raise self.error(f"{t.text}(): {exc}", t) from None
        return tuple(b.centres.tolist())

    # -- names -----------------------------------------------------------------------------
    def reference(self, kind: str) -> NameRef:
        t = self.next()
        if t.kind != "name":
            raise self.error(f"expected a #name of a {kind}, found {t.text!r}", t)
        name = t.text[1:]
        g = self.names.get(name)
        if g is None:
            raise self.error(f"unknown name {t.text} (define the {kind} before using it)", t)
        if g.kind != kind:
            raise self.error(f"{t.text} is a {g.kind}, not a {kind}", t)
        return NameRef(name, kind)

    # -- statements ------------------------------------------------------------------------
    def document(self) -> None:
        while self.peek().kind != "eof":
            self.statement(None)

    def statement(self, group: Group | None) -> None:
        t = self.peek()
        if t.kind == "setting":
            if group is not None:
                raise self.error(f"{t.text} belongs outside groups")
            self.setting()
        elif t.kind == "ident" and t.text in (*GROUP_KINDS, "flux"):
            if group is not None:
                raise self.error(f"a {t.text} group cannot be nested in a {group.kind} group")
            self.group()
        elif t.kind == "ident":
            self.next()
            self.expect("=")
            self.variables[t.text] = self.expression()
        elif t.kind == "listvar":
            self.next()
            self.expect("=")
            self.lists[t.text] = tuple(float(x) for x in self.list_value())
        elif t.kind == "attribute":
            if group is None:
                raise self.error(f"{t.text} belongs inside a group")
            self.attribute(group)
        else:
            got = "end of file" if t.kind == "eof" else repr(t.text)
            raise self.error(f"unexpected {got}")

    def setting(self) -> None:
        t = self.next()
        if t.text not in _SETTINGS:
            raise self.error(f"{t.text} is not a GLoBES setting this reader supports", t)
        self.expect("=")
        if self.peek().kind == "string":
            value: Any = self.next().text[1:-1]
        elif self.is_list_start():
            value = tuple(float(x) for x in self.list_value())
        else:
            value = self.expression()
        self.settings[t.text] = value
        self.setting_where[t.text] = t.where

    def group(self) -> None:
        t = self.next()
        if t.text == "flux":
            raise self.error("the deprecated 'flux' group is not supported (use 'nuflux'; the "
                             "two normalise differently)", t)
        self.expect("(")
        n = self.next()
        if n.kind != "name":
            raise self.error(f"expected the group's #name, found {n.text!r}", n)
        name = n.text[1:]
        g = self.names.get(name)
        if g is None:
            g = Group(t.text, name, len(self.groups[t.text]), n.where)
            self.names[name] = g
            self.groups[t.text].append(g)
        elif g.kind != t.text:
            raise self.error(f"#{name} is already a {g.kind}; it cannot also name a {t.text}", n)
        self.expect(")")
        self.expect("<")
        while not (self.peek().kind == "op" and self.peek().text == ">"):
            if self.peek().kind == "eof":
                raise self.error(f"{t.text} #{name}: missing '>' at the end of the group", t)
            self.statement(g)
        self.next()

    def attribute(self, group: Group) -> None:
        t = self.next()
        key = t.text
        if key in _UNSUPPORTED:
            raise self.error(f"{key} ({_UNSUPPORTED[key]}) is not supported", t)
        if key not in _ATTRIBUTES[group.kind]:
            raise self.error(f"{key} is not an attribute of a {group.kind} group", t)
        self.expect("=")
        value: Any
        if key == "@channel":
            value = self.channel_value()
        elif key in ("@signal", "@background"):
            value = self.rule_parts()
        elif key == "@energy":
            value = self.energy_matrix()
        elif key.startswith("@sys_") and "_multiex_errors_" in key:
            value = self.colon_lists(names="sys")
        elif key == "@energy_window":
            lo = self.expression()
            self.expect(":")
            value = (lo, self.expression())
        elif key in ("@flux_file", "@cross_file", "@sys_on_function", "@sys_off_function"):
            s = self.next()
            if s.kind != "string":
                raise self.error(f"{key} needs a quoted string", s)
            value = s.text[1:-1]
        elif self.is_list_start():
            value = tuple(float(x) for x in self.list_value())
        else:
            value = self.expression()
        group.attributes[key] = Attribute(value, t.where)

    def channel_value(self) -> tuple[NameRef, int, tuple[int, bool], tuple[int, bool], NameRef,
                                     NameRef]:
        flux = self.reference("nuflux")
        self.expect(":")
        sign = self.next()
        if sign.text not in "+-" or sign.kind != "op":
            raise self.error(f"expected + or - (neutrinos or antineutrinos), found {sign.text!r}",
                             sign)
        polarity = 1 if sign.text == "+" else -1
        self.expect(":")
        initial = self.flavour()
        self.expect(":")
        final = self.flavour()
        self.expect(":")
        cross = self.reference("cross")
        self.expect(":")
        energy = self.reference("energy")
        return flux, polarity, initial, final, cross, energy

    def flavour(self) -> tuple[int, bool]:
        """(flavour index 0, 1, 2, oscillates) of e, m, t or NOSC_e, NOSC_m, NOSC_t."""
        t = self.next()
        text = t.text
        nosc = text.startswith("NOSC_")
        core = text[5:] if nosc else text
        if t.kind == "ident":
            for pattern, index in _FLAVOURS:
                if pattern.fullmatch(core):
                    return index, not nosc
        raise self.error(f"expected a flavour (e, m, t, NOSC_e, NOSC_m, NOSC_t), found {text!r}", t)

    def rule_parts(self) -> tuple[tuple[float, NameRef], ...]:
        parts = []
        while True:
            coefficient = self.expression()
            self.expect("@")
            parts.append((coefficient, self.reference("channel")))
            if not self.accept(":"):
                return tuple(parts)

    def colon_lists(self, names: str | None = None) -> tuple[tuple[Any, ...], ...]:
        lists = [self.list_value(names)]
        while self.accept(":"):
            lists.append(self.list_value(names))
        return tuple(lists)

    def energy_matrix(self) -> tuple[tuple[float, ...], ...]:
        rows = self.colon_lists()
        self.accept(";")
        return rows


def read_aedl(path: str | Path) -> AedlDocument:
    """Read a GLoBES experiment file and everything it includes.

    Raises ``AedlError`` (one line, ``file:line: ...``) on a syntax error, an unknown or
    undefined name, or an unsupported construct.
    """
    top = Path(path)
    if not top.is_file():
        raise AedlError(f"AEDL file {str(top)!r} does not exist")
    root = top.resolve().parent
    opened: list[Path] = []
    tokens = list(_tokens(top.resolve(), root, 0, (top.resolve(),), opened))
    parser = _Parser(tokens, top)
    parser.document()
    return AedlDocument(path=top.resolve(), settings=parser.settings,
                        setting_where=parser.setting_where,
                        groups={k: tuple(v) for k, v in parser.groups.items()},
                        variables=parser.variables, lists=parser.lists,
                        files=tuple(dict.fromkeys(opened)))
