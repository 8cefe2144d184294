/// \file svg.hpp
/// \brief Small SVG charts for the examples (not part of the library: the library never does
/// I/O for plots): the cost per epoch on a log scale, the ROC curve, and two-feature data with a
/// decision boundary. Each chart is one self-contained .svg file (no scripts, no external fonts
/// or styles) that any browser or image viewer opens.
///
/// \code
/// examples::svg::cost_chart({{"gradient descent", result.cost_history}}, "Cost per epoch")
///     .save("cost.svg");
/// \endcode
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

namespace examples {
namespace svg {

/// A point in data coordinates.
using Point = std::pair<double, double>;

/// Colours that stay distinct for the common colour-vision deficiencies (Okabe and Ito).
namespace colour {
inline constexpr const char* blue = "#0072B2";
inline constexpr const char* orange = "#E69F00";
inline constexpr const char* vermilion = "#D55E00";
inline constexpr const char* green = "#009E73";
inline constexpr const char* grey = "#888888";
inline constexpr const char* black = "#222222";
}  // namespace colour

namespace svg_detail {

/// Text safe inside an XML element or attribute.
inline std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

/// A coordinate with two decimals (plenty for pixels), in the C locale's format.
inline std::string px(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

/// A tick label: short, no trailing zeros ("0.2", "1e-05", "2000").
inline std::string tick_text(double value) {
  if (value == 0) return "0";  // linear_ticks snaps a near-zero tick to exactly 0
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

/// Ticks at 1, 2 or 5 times a power of ten, about `target` of them, covering [lo, hi].
inline std::vector<double> linear_ticks(double lo, double hi, int target = 6) {
  const double span = hi - lo;
  const double raw = span / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (span / step <= target) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

/// Ticks on a log axis: the powers of ten in [lo, hi], with 2x and 5x between them when the
/// range spans few decades, and every integer multiple when that still gives fewer than four.
inline std::vector<double> log_ticks(double lo, double hi) {
  const int first = static_cast<int>(std::floor(std::log10(lo)));
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  const auto collect = [&](const std::vector<double>& multiples) {
    std::vector<double> ticks;
    for (int k = first; k <= last; ++k) {
      for (const double m : multiples) {
        const double t = m * std::pow(10.0, k);
        if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push_back(t);
      }
    }
    return ticks;
  };
  std::vector<double> ticks = collect({1.0});
  if (ticks.size() > 9) {  // many decades: every k-th power of ten, at most 9 labels
    const std::size_t every = (ticks.size() + 8) / 9;
    std::vector<double> thinned;
    for (std::size_t k = 0; k < ticks.size(); k += every) thinned.push_back(ticks[k]);
    return thinned;
  }
  if (ticks.size() < 4) ticks = collect({1.0, 2.0, 5.0});
  if (ticks.size() < 4) ticks = collect({1, 2, 3, 4, 5, 6, 7, 8, 9});
  return ticks;
}

}  // namespace svg_detail

/// A chart: a title, two labelled axes with ticks and a grid, and marks drawn in data
/// coordinates (clipped to the plotting area), plus an optional legend. The y axis may be
/// logarithmic.
class Chart {
 public:
  /// \param title shown above the plot; x_label, y_label under and beside the axes.
  Chart(std::string title, std::string x_label, std::string y_label, double width = 720,
        double height = 480)
      : m_title(std::move(title)), m_x_label(std::move(x_label)), m_y_label(std::move(y_label)),
        m_width(width), m_height(height) {}

  /// The data range shown on x (lo < hi).
  Chart& x_range(double lo, double hi) {
    check_range("x_range", lo, hi, false);
    m_x_lo = lo;
    m_x_hi = hi;
    return *this;
  }

  /// The data range shown on y (lo < hi; both > 0 when log is set).
  Chart& y_range(double lo, double hi, bool log = false) {
    check_range("y_range", lo, hi, log);
    m_y_lo = lo;
    m_y_hi = hi;
    m_y_log = log;
    return *this;
  }

  /// Makes the plotting area square (for the ROC curve, whose two axes are both rates).
  Chart& square() {
    m_square = true;
    return *this;
  }

  /// A line through the points, in order. dash is an SVG stroke-dasharray ("" for solid).
  Chart& line(const std::vector<Point>& points, const char* colour, double width = 2,
              const std::string& dash = "", const std::string& legend = "") {
    std::string d;
    for (const Point& p : points) {
      if (!usable(p)) continue;
      d += (d.empty() ? "M" : " L") + svg_detail::px(x_px(p.first)) + "," +
           svg_detail::px(y_px(p.second));
    }
    m_marks += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"" +
               svg_detail::px(width) + "\" stroke-linejoin=\"round\"" +
               (dash.empty() ? std::string() : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
    if (!legend.empty()) m_legend.push_back({legend, colour, dash, ""});
    return *this;
  }

  /// A filled polygon, drawn under the later marks.
  Chart& area(const std::vector<Point>& points, const char* colour, double opacity,
              const std::string& legend = "") {
    std::string d;
    for (const Point& p : points) {
      d += (d.empty() ? "M" : " L") + svg_detail::px(x_px(p.first)) + "," +
           svg_detail::px(y_px(p.second));
    }
    m_marks += "<path d=\"" + d + " Z\" fill=\"" + colour + "\" fill-opacity=\"" +
               svg_detail::px(opacity) + "\" stroke=\"none\"/>\n";
    if (!legend.empty()) m_legend.push_back({legend, colour, "", "area"});
    return *this;
  }

  /// Markers at the points: "circle" or "triangle", open (outline) so overlaps stay visible.
  Chart& markers(const std::vector<Point>& points, const char* colour, const std::string& shape,
                 const std::string& legend = "") {
    for (const Point& p : points) {
      if (usable(p)) m_marks += marker(x_px(p.first), y_px(p.second), colour, shape);
    }
    if (!legend.empty()) m_legend.push_back({legend, colour, "", shape});
    return *this;
  }

  /// Text at a data point (anchor "start", "middle" or "end").
  Chart& text(Point at, const std::string& content, const std::string& anchor = "start") {
    m_marks += "<text x=\"" + svg_detail::px(x_px(at.first)) + "\" y=\"" +
               svg_detail::px(y_px(at.second)) + "\" text-anchor=\"" + anchor +
               "\" font-size=\"13\">" + svg_detail::escape(content) + "</text>\n";
    return *this;
  }

  /// Where the legend goes: "top-right", "bottom-right", "top-left" or "bottom-left".
  Chart& legend_at(std::string corner) {
    m_legend_corner = std::move(corner);
    return *this;
  }

  /// The SVG document.
  std::string render() const {
    const double left = m_left, top = m_top, w = plot_width(), h = plot_height();
    std::string s;
    s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_detail::px(m_width) +
         "\" height=\"" + svg_detail::px(m_height) + "\" viewBox=\"0 0 " +
         svg_detail::px(m_width) + " " + svg_detail::px(m_height) +
         "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" fill=\"" + colour::black +
         "\">\n";
    s += "<title>" + svg_detail::escape(m_title) + "</title>\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    s += "<defs><clipPath id=\"plot-area\"><rect x=\"" + svg_detail::px(left) + "\" y=\"" +
         svg_detail::px(top) + "\" width=\"" + svg_detail::px(w) + "\" height=\"" +
         svg_detail::px(h) + "\"/></clipPath></defs>\n";
    s += axes();
    s += "<g clip-path=\"url(#plot-area)\">\n" + m_marks + "</g>\n";
    s += "<rect x=\"" + svg_detail::px(left) + "\" y=\"" + svg_detail::px(top) + "\" width=\"" +
         svg_detail::px(w) + "\" height=\"" + svg_detail::px(h) +
         "\" fill=\"none\" stroke=\"" + colour::black + "\"/>\n";
    s += legend();
    s += "<text x=\"" + svg_detail::px(left + w / 2) + "\" y=\"28\" text-anchor=\"middle\" " +
         "font-size=\"17\" font-weight=\"bold\">" + svg_detail::escape(m_title) + "</text>\n";
    s += "<text x=\"" + svg_detail::px(left + w / 2) + "\" y=\"" +
         svg_detail::px(m_height - 14) + "\" text-anchor=\"middle\" font-size=\"14\">" +
         svg_detail::escape(m_x_label) + "</text>\n";
    s += "<text transform=\"translate(20," + svg_detail::px(top + h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" font-size=\"14\">" +
         svg_detail::escape(m_y_label) + "</text>\n";
    s += "</svg>\n";
    return s;
  }

  /// Writes the SVG document to path.
  /// \throws std::runtime_error if the file cannot be written.
  void save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    out << render();
    out.close();
    if (!out) throw std::runtime_error("svg: cannot write '" + path + "'");
  }

 private:
  struct LegendEntry {
    std::string text;
    const char* colour;
    std::string dash;
    std::string kind;  // "" for a line, "area", or a marker shape
  };

  static void check_range(const char* what, double lo, double hi, bool log) {
    if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi) || (log && !(lo > 0))) {
      throw std::invalid_argument(std::string("svg::Chart::") + what + ": got [" +
                                  svg_detail::tick_text(lo) + ", " + svg_detail::tick_text(hi) +
                                  "]; expected finite lo < hi" + (log ? ", lo > 0" : ""));
    }
  }

  double plot_width() const {
    const double w = m_width - m_left - m_right;
    return m_square ? std::min(w, m_height - m_top - m_bottom) : w;
  }
  double plot_height() const {
    const double h = m_height - m_top - m_bottom;
    return m_square ? std::min(h, m_width - m_left - m_right) : h;
  }

  bool usable(const Point& p) const {
    return std::isfinite(p.first) && std::isfinite(p.second) && (!m_y_log || p.second > 0);
  }

  double x_px(double x) const { return m_left + (x - m_x_lo) / (m_x_hi - m_x_lo) * plot_width(); }

  double y_px(double y) const {
    const double f = m_y_log ? (std::log10(y) - std::log10(m_y_lo)) /
                                   (std::log10(m_y_hi) - std::log10(m_y_lo))
                             : (y - m_y_lo) / (m_y_hi - m_y_lo);
    return m_top + (1 - f) * plot_height();
  }

  static std::string marker(double x, double y, const char* colour, const std::string& shape) {
    if (shape == "triangle") {
      return "<path d=\"M" + svg_detail::px(x) + "," + svg_detail::px(y - 4.5) + " L" +
             svg_detail::px(x + 4) + "," + svg_detail::px(y + 3) + " L" + svg_detail::px(x - 4) +
             "," + svg_detail::px(y + 3) + " Z\" fill=\"none\" stroke=\"" + colour +
             "\" stroke-width=\"1.3\"/>\n";
    }
    return "<circle cx=\"" + svg_detail::px(x) + "\" cy=\"" + svg_detail::px(y) +
           "\" r=\"3.5\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.3\"/>\n";
  }

  std::string axes() const {
    std::string s;
    const double left = m_left, top = m_top, w = plot_width(), h = plot_height();
    const auto grid = [&](double x1, double y1, double x2, double y2) {
      return "<line x1=\"" + svg_detail::px(x1) + "\" y1=\"" + svg_detail::px(y1) + "\" x2=\"" +
             svg_detail::px(x2) + "\" y2=\"" + svg_detail::px(y2) +
             "\" stroke=\"#dddddd\" stroke-width=\"1\"/>\n";
    };
    for (const double t : svg_detail::linear_ticks(m_x_lo, m_x_hi)) {
      const double x = x_px(t);
      s += grid(x, top, x, top + h);
      s += "<line x1=\"" + svg_detail::px(x) + "\" y1=\"" + svg_detail::px(top + h) +
           "\" x2=\"" + svg_detail::px(x) + "\" y2=\"" + svg_detail::px(top + h + 5) +
           "\" stroke=\"" + colour::black + "\"/>\n";
      s += "<text x=\"" + svg_detail::px(x) + "\" y=\"" + svg_detail::px(top + h + 20) +
           "\" text-anchor=\"middle\" font-size=\"12\">" + svg_detail::tick_text(t) + "</text>\n";
    }
    const std::vector<double> y_ticks = m_y_log ? svg_detail::log_ticks(m_y_lo, m_y_hi)
                                                : svg_detail::linear_ticks(m_y_lo, m_y_hi);
    for (const double t : y_ticks) {
      const double y = y_px(t);
      s += grid(left, y, left + w, y);
      s += "<line x1=\"" + svg_detail::px(left - 5) + "\" y1=\"" + svg_detail::px(y) +
           "\" x2=\"" + svg_detail::px(left) + "\" y2=\"" + svg_detail::px(y) + "\" stroke=\"" +
           colour::black + "\"/>\n";
      s += "<text x=\"" + svg_detail::px(left - 9) + "\" y=\"" + svg_detail::px(y + 4) +
           "\" text-anchor=\"end\" font-size=\"12\">" + svg_detail::tick_text(t) + "</text>\n";
    }
    return s;
  }

  std::string legend() const {
    if (m_legend.empty()) return {};
    std::size_t longest = 0;
    for (const LegendEntry& e : m_legend) longest = std::max(longest, e.text.size());
    const double row = 20, box_w = 44 + 7.2 * static_cast<double>(longest);
    const double box_h = 10 + row * static_cast<double>(m_legend.size());
    const double w = plot_width(), h = plot_height();
    const bool right = m_legend_corner.find("right") != std::string::npos;
    const bool bottom = m_legend_corner.find("bottom") != std::string::npos;
    const double x0 = right ? m_left + w - box_w - 10 : m_left + 10;
    const double y0 = bottom ? m_top + h - box_h - 10 : m_top + 10;
    std::string s = "<rect x=\"" + svg_detail::px(x0) + "\" y=\"" + svg_detail::px(y0) +
                    "\" width=\"" + svg_detail::px(box_w) + "\" height=\"" +
                    svg_detail::px(box_h) +
                    "\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#bbbbbb\"/>\n";
    for (std::size_t k = 0; k < m_legend.size(); ++k) {
      const LegendEntry& e = m_legend[k];
      const double y = y0 + 5 + row * (static_cast<double>(k) + 0.5);
      if (e.kind.empty()) {
        s += "<line x1=\"" + svg_detail::px(x0 + 8) + "\" y1=\"" + svg_detail::px(y) +
             "\" x2=\"" + svg_detail::px(x0 + 34) + "\" y2=\"" + svg_detail::px(y) +
             "\" stroke=\"" + e.colour + "\" stroke-width=\"2.5\"" +
             (e.dash.empty() ? std::string() : " stroke-dasharray=\"" + e.dash + "\"") + "/>\n";
      } else if (e.kind == "area") {
        s += "<rect x=\"" + svg_detail::px(x0 + 10) + "\" y=\"" + svg_detail::px(y - 6) +
             "\" width=\"22\" height=\"12\" fill=\"" + e.colour + "\" fill-opacity=\"0.25\"/>\n";
      } else {
        s += marker(x0 + 21, y, e.colour, e.kind);
      }
      s += "<text x=\"" + svg_detail::px(x0 + 40) + "\" y=\"" + svg_detail::px(y + 4.5) +
           "\" font-size=\"13\">" + svg_detail::escape(e.text) + "</text>\n";
    }
    return s;
  }

  std::string m_title, m_x_label, m_y_label;
  double m_width, m_height;
  double m_left = 78, m_right = 24, m_top = 44, m_bottom = 56;
  double m_x_lo = 0, m_x_hi = 1, m_y_lo = 0, m_y_hi = 1;
  bool m_y_log = false;
  bool m_square = false;
  std::string m_marks;
  std::vector<LegendEntry> m_legend;
  std::string m_legend_corner = "top-right";
};

/// One curve of a cost chart: its legend text and the cost of every epoch (epoch k + 1 at k).
struct CostSeries {
  std::string name;
  std::vector<double> cost;
};

/// The cost per epoch on a logarithmic y axis, one line per series, epochs from 1 on x.
/// \throws std::invalid_argument if no series has a positive finite cost.
inline Chart cost_chart(const std::vector<CostSeries>& series, const std::string& title,
                        const std::string& y_label = "cost J (log scale)") {
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  std::size_t epochs = 1;
  for (const CostSeries& s : series) {
    epochs = std::max(epochs, s.cost.size());
    for (const double c : s.cost) {
      if (std::isfinite(c) && c > 0) {
        lo = std::min(lo, c);
        hi = std::max(hi, c);
      }
    }
  }
  if (!(hi > 0)) throw std::invalid_argument("svg::cost_chart: no positive finite cost to plot");
  // Pad by a few per cent of the decades shown, so the curve does not touch the frame.
  const double decades = std::max(std::log10(hi / lo), 0.1);
  Chart chart(title, "epoch", y_label);
  chart.x_range(0, static_cast<double>(std::max<std::size_t>(epochs, 2)))
      .y_range(lo / std::pow(10.0, 0.04 * decades), hi * std::pow(10.0, 0.04 * decades), true);
  const char* colours[] = {colour::blue, colour::vermilion, colour::green, colour::orange};
  for (std::size_t k = 0; k < series.size(); ++k) {
    std::vector<Point> points;
    points.reserve(series[k].cost.size());
    for (std::size_t e = 0; e < series[k].cost.size(); ++e) {
      points.emplace_back(static_cast<double>(e + 1), series[k].cost[e]);
    }
    chart.line(points, colours[k % 4], 2, k == 0 ? "" : "7 4", series[k].name);
  }
  return chart;
}

/// The ROC curve (true-positive rate against false-positive rate) with the diagonal of a
/// classifier that guesses, and the AUC in the title.
inline Chart roc_chart(const Eigen::Ref<const Eigen::VectorXd>& fpr,
                       const Eigen::Ref<const Eigen::VectorXd>& tpr, double auc,
                       const std::string& title) {
  char heading[160];
  std::snprintf(heading, sizeof heading, "%s (AUC = %.4f)", title.c_str(), auc);
  Chart chart(heading, "false-positive rate (1 - specificity)", "true-positive rate (recall)",
              600, 560);
  chart.square().x_range(-0.01, 1.01).y_range(-0.01, 1.01).legend_at("bottom-right");
  std::vector<Point> curve;
  for (Eigen::Index k = 0; k < fpr.size(); ++k) curve.emplace_back(fpr[k], tpr[k]);
  chart.line({{0, 0}, {1, 1}}, colour::grey, 1.5, "6 5", "chance (AUC = 0.5)");
  chart.line(curve, colour::blue, 2.5, "", "ROC curve");
  return chart;
}

/// Two-feature data by class, with the decision boundary w1 x1 + w2 x2 + b = 0 and the
/// half-plane the model calls class 1 tinted.
/// \param X n x 2 feature values (any units: draw them as they are).
/// \param y n labels, 0 or 1.
/// \param w1, w2, b the model in the same units as X: class 1 iff w1 x1 + w2 x2 + b > 0.
inline Chart decision_boundary_chart(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                     const Eigen::Ref<const Eigen::VectorXd>& y, double w1,
                                     double w2, double b, const std::string& title,
                                     const std::string& x1_label, const std::string& x2_label,
                                     const std::string& class0, const std::string& class1) {
  if (X.cols() != 2 || X.rows() != y.size() || X.rows() == 0) {
    throw std::invalid_argument("svg::decision_boundary_chart: expected n x 2 data and n labels");
  }
  const double pad_x = 0.05 * (X.col(0).maxCoeff() - X.col(0).minCoeff());
  const double pad_y = 0.05 * (X.col(1).maxCoeff() - X.col(1).minCoeff());
  const double x_lo = X.col(0).minCoeff() - pad_x, x_hi = X.col(0).maxCoeff() + pad_x;
  const double y_lo = X.col(1).minCoeff() - pad_y, y_hi = X.col(1).maxCoeff() + pad_y;
  Chart chart(title, x1_label, x2_label, 720, 560);
  chart.x_range(x_lo, x_hi).y_range(y_lo, y_hi);

  // The region f > 0 of f(x) = w1 x1 + w2 x2 + b inside the frame: the frame's corners with
  // f > 0 and the points where f crosses 0 on its edges, in order around the frame.
  const std::vector<Point> corners = {{x_lo, y_lo}, {x_hi, y_lo}, {x_hi, y_hi}, {x_lo, y_hi}};
  const auto f = [&](const Point& p) { return w1 * p.first + w2 * p.second + b; };
  std::vector<Point> positive, crossings;
  for (std::size_t k = 0; k < 4; ++k) {
    const Point& p = corners[k];
    const Point& q = corners[(k + 1) % 4];
    if (f(p) > 0) positive.push_back(p);
    if ((f(p) > 0) != (f(q) > 0)) {
      const double t = f(p) / (f(p) - f(q));
      const Point cross{p.first + t * (q.first - p.first), p.second + t * (q.second - p.second)};
      positive.push_back(cross);
      crossings.push_back(cross);
    }
  }
  if (positive.size() >= 3) chart.area(positive, colour::orange, 0.16, class1 + " predicted");

  std::vector<Point> points0, points1;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    (y[i] == 1 ? points1 : points0).emplace_back(X(i, 0), X(i, 1));
  }
  chart.markers(points0, colour::blue, "circle", class0);
  chart.markers(points1, colour::vermilion, "triangle", class1);
  if (crossings.size() == 2) {
    chart.line(crossings, colour::black, 2.5, "", "decision boundary (p = 0.5)");
  }
  return chart;
}

}  // namespace svg
}  // namespace examples
