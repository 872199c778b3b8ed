"""One declaration per list: its columns, their headers, cells and sort keys (issue 20).

A list's table is a class with one `Column` per column, in the order the page shows them
(NetBox declares its lists with django-tables2 the same way)::

    class MassnahmeTable(Table):
        caption = "Maßnahmen, sortierbar"
        titel = Column("Maßnahme", sort="titel", row_header=True, render=_titel)
        fortschritt = Column("Fortschritt", sort="fortschritt", num=True, render=...)

`FilteredListView` takes its sort keys from the table (`Table.sortierungen()`: the attribute
name is the public key in `?sortierung=`, `sort` the ORM expression) and puts the table of
the page into the context as `table`; `includes/table.html` draws it inside the list's
`{% partialdef tabelle %}`. A table whose rows are also exported declares the file's
columns as `export_columns` (there may be more of them than the page shows).

Why not django-tables2: it renders every cell through the template engine (its table.html
loops over rows and cells, a `Column.render` result goes through a template too), and the
rows of a list page were a sixth of its server time when they went through templates
(issue 19). Here a cell is a Python function returning escaped HTML and a row one string
join. Measured on the 25 rows of /massnahmen/ (CPU time, median of 300): the same rows as a
template loop 5.6-5.9 ms, as `MassnahmeTable` 2.1-2.4 ms; the eight sortable headers 0.30 ms
as template includes, 0.07 ms here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe


def _text(attribute: str) -> Callable[[Any, Table], str]:
    def render(row, table) -> str:
        return esc(getattr(row, attribute))

    return render


class Column:
    """One column of a list table: header label, cell, and optionally a sort expression.

    `render(row, table)` returns the cell's content as escaped HTML (default: the row's
    attribute of the column's name, escaped). `sort` is the ORM ordering expression behind
    the column's sort link; a column without it has a plain header. `row_header` makes the
    cell the row's `<th scope="row">`, `num` right-aligns header and cell.
    """

    def __init__(
        self,
        label: str,
        *,
        sort: str | None = None,
        render: Callable[[Any, Table], str] | None = None,
        num: bool = False,
        row_header: bool = False,
    ) -> None:
        self.label = label
        self.sort = sort
        self.num = num
        self.row_header = row_header
        self.render = render
        self.name = ""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        if self.render is None:
            self.render = _text(name)


class Table:
    """The table of one list page: the rows of the page plus what the header needs.

    Subclasses declare `Column` attributes; `columns` lists them in declaration order.
    The CSS class attributes give the two table styles of the portal (`table` with `num`
    cells, and the KERN table, whose every row and cell carries a class)."""

    caption: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    _cells: ClassVar[tuple] = ()
    _row_start: ClassVar[str] = ""
    # The public sort key of the default order, "-key" descending (None: the queryset's own).
    default_sort: ClassVar[str | None] = None
    # The columns of the CSV/XLSX file of this list, if it has one (see massnahmen/exports.py).
    export_columns: ClassVar[tuple] = ()

    table_class: ClassVar[str] = "table"
    body_class: ClassVar[str] = ""
    row_class: ClassVar[str] = ""
    cell_class: ClassVar[str] = ""
    num_class: ClassVar[str] = "num"
    header_class: ClassVar[str] = ""
    num_header_class: ClassVar[str] = "num"
    hidden_class: ClassVar[str] = "visually-hidden"

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        columns = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Column):
                    columns[name] = value
        cls.columns = tuple(columns.values())
        # Per cell its renderer and the markup around it, fixed once per class: a row is then
        # one join (a list page renders 25 to 50 rows per request).
        cls._cells = tuple(
            (
                column.render,
                f'      <th scope="row"{cls._class(cls.header_class)}>'
                if column.row_header
                else f"      <td{cls._class(cls.num_class if column.num else cls.cell_class)}>",
                "</th>\n" if column.row_header else "</td>\n",
            )
            for column in cls.columns
        )
        cls._row_start = f"\n    <tr{cls._class(cls.row_class)}>\n"

    def __init__(
        self,
        rows: Iterable,
        *,
        sort_links: dict | None = None,
        request=None,
        caption: str | None = None,
    ) -> None:
        self.rows = rows
        self.sort_links = sort_links or {}
        self.request = request
        if caption is not None:
            self.caption = caption

    @classmethod
    def sortierungen(cls) -> dict[str, str]:
        """Public sort key → ORM expression, for every sortable column; the default first."""
        keys = {c.name: c.sort for c in cls.columns if c.sort}
        default = (cls.default_sort or "").lstrip("-")
        if default in keys:
            keys = {default: keys[default]} | keys
        return keys

    # --- HTML ---------------------------------------------------------------------------------

    @staticmethod
    def _class(classes: str) -> str:
        return f' class="{classes}"' if classes else ""

    def header(self, column: Column) -> str:
        """The `<th scope="col">` of a column: a sort link with aria-sort if it sorts."""
        classes = self.num_header_class if column.num else self.header_class
        if column.sort is None or column.name not in self.sort_links:
            return f'<th scope="col"{self._class(classes)}>{esc(column.label)}</th>'
        link = self.sort_links[column.name]
        return (
            f'<th scope="col"{self._class(classes)} aria-sort="{link["aria_sort"]}">'
            f'<a href="{esc(link["url"])}">{esc(column.label)}'
            f'<span class="{self.hidden_class}">, sortieren</span></a></th>'
        )

    def row_attr(self) -> SafeString:
        return mark_safe(self._class(self.row_class))

    def body_attr(self) -> SafeString:
        return mark_safe(self._class(self.body_class))

    def kopf(self) -> SafeString:
        """The cells of the header row."""
        return mark_safe("\n      ".join(self.header(c) for c in self.columns))

    def row(self, row) -> str:
        cells = "".join([f"{start}{render(row, self)}{end}" for render, start, end in self._cells])
        return f"{self._row_start}{cells}    </tr>\n  "

    def zeilen(self) -> SafeString:
        """The `<tr>` of every row of the page."""
        return mark_safe("".join(self.row(r) for r in self.rows))


class KernTable(Table):
    """A table in the style of the KERN design system: every row and cell has its class."""

    table_class = "kern-table"
    body_class = "kern-table__body"
    row_class = "kern-table__row"
    cell_class = "kern-table__cell"
    num_class = "kern-table__cell kern-table__cell--numeric"
    header_class = "kern-table__header"
    num_header_class = "kern-table__header kern-table__header--numeric"
    hidden_class = "kern-sr-only"
