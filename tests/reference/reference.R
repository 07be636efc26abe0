# Reference results for sqmreport's factor-analysis and reliability functions.
#
# Regenerate with `make reference` (needs Debian's r-base-core, r-cran-psych,
# r-cran-gparotation, r-cran-lavaan and r-cran-semtools). Every number is written at full
# precision to tests/reference/*.csv, which are committed, so the tests need no R.
#
# Data: psych's bfi (2,800 x 25 items, with missing values) and lavaan's
# HolzingerSwineford1939 (301 x 9), written next to the results.

suppressMessages({
  library(psych)
  library(GPArotation)
  library(lavaan)
  library(semTools)
})
here <- "tests/reference"
out <- function(x, name, row.names = TRUE) {
  write.csv(x, file.path(here, name), row.names = row.names, na = "")
}
versions <- data.frame(
  package = c("R", "psych", "GPArotation", "lavaan", "semTools"),
  version = c(paste(R.version$major, R.version$minor, sep = "."),
              as.character(packageVersion("psych")), as.character(packageVersion("GPArotation")),
              as.character(packageVersion("lavaan")), as.character(packageVersion("semTools"))))
out(versions, "versions.csv", row.names = FALSE)

# --- data -------------------------------------------------------------------------------
data(bfi, package = "psych")
x <- bfi[, 1:25]
out(x, "bfi.csv", row.names = FALSE)
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
out(hs, "holzinger_swineford.csv", row.names = FALSE)

# --- suitability ------------------------------------------------------------------------
for (missing in c("pairwise", "listwise")) {
  d <- if (missing == "listwise") na.omit(x) else x
  k <- KMO(d)
  out(data.frame(item = c("overall", names(k$MSAi)), msa = c(k$MSA, k$MSAi)),
      sprintf("kmo_%s.csv", missing), row.names = FALSE)
  r <- cor(d, use = "pairwise")
  b <- cortest.bartlett(r, n = nrow(d))
  out(data.frame(chi2 = b$chisq, df = b$df, p_value = b$p.value, n = nrow(d)),
      sprintf("bartlett_%s.csv", missing), row.names = FALSE)
}

# --- polychoric correlations, and the EFA that uses them ----------------------------------
pc <- polychoric(x)
out(pc$rho, "polychoric_rho.csv")
out(pc$tau, "polychoric_tau.csv")
f <- fa(x, nfactors = 5, fm = "minres", rotate = "oblimin", cor = "poly")
out(unclass(f$loadings), "efa_loadings_polychoric.csv")

# --- Velicer's MAP ----------------------------------------------------------------------
v <- VSS(x, n = 8, plot = FALSE, fm = "minres")
out(data.frame(factors = 1:8, map = v$map), "map.csv", row.names = FALSE)

# --- parallel analysis: the observed factor eigenvalues (deterministic) -----------------
# fa.parallel(x, fa = "fa") takes them from fa(r, fm = "minres", nfactors = 1)$values (its
# default SMC = FALSE); with SMC = TRUE, from r with squared multiple correlations on its
# diagonal.  The simulated eigenvalues depend on R's random numbers and are not compared.
r <- cor(x, use = "pairwise")
rs <- r
diag(rs) <- smc(r)
p <- fa.parallel(x, fa = "fa", n.iter = 2, plot = FALSE)
out(data.frame(factor = seq_len(ncol(x)), minres = p$fa.values,
               minres_fa = fa(r, nfactors = 1, fm = "minres", warnings = FALSE)$values,
               smc = eigen(rs)$values),
    "parallel_fa_values.csv", row.names = FALSE)

# --- EFA: every extraction x rotation the report offers ---------------------------------
for (missing in c("pairwise", "listwise")) {
  d <- if (missing == "listwise") na.omit(x) else x
  methods <- if (missing == "listwise") c("minres") else c("minres", "ml", "pa")
  for (fm in methods) for (rotate in c("none", "varimax", "promax", "oblimin")) {
    f <- fa(d, nfactors = 5, fm = fm, rotate = rotate)
    tag <- sprintf("%s_%s_%s", fm, rotate, missing)
    out(unclass(f$loadings), sprintf("efa_loadings_%s.csv", tag))
    out(data.frame(item = names(f$communality), communality = f$communality,
                   uniqueness = f$uniquenesses), sprintf("efa_communalities_%s.csv", tag),
        row.names = FALSE)
    out(f$Vaccounted, sprintf("efa_variance_%s.csv", tag))
    if (!is.null(f$Phi)) out(f$Phi, sprintf("efa_phi_%s.csv", tag))
    out(data.frame(chi2 = f$STATISTIC, df = f$dof, p_value = f$PVAL, rmsea = f$RMSEA[1],
                   rmsea_ci_low = f$RMSEA[2], rmsea_ci_high = f$RMSEA[3], tli = f$TLI,
                   bic = f$BIC, n = f$n.obs),
        sprintf("efa_fit_%s.csv", tag), row.names = FALSE)
  }
}

# --- PCA (psych::principal) -------------------------------------------------------------
for (rotate in c("none", "varimax")) {
  pc <- principal(x, nfactors = 5, rotate = rotate)
  out(unclass(pc$loadings), sprintf("pca_loadings_%s.csv", rotate))
  out(pc$Vaccounted, sprintf("pca_variance_%s.csv", rotate))
}

# --- reliability of the five bfi scales (reverse-keyed items as in psych's bfi.keys) ------
scales <- list(agreeableness = c("-A1", "A2", "A3", "A4", "A5"),
               conscientiousness = c("C1", "C2", "C3", "-C4", "-C5"),
               extraversion = c("-E1", "-E2", "E3", "E4", "E5"),
               neuroticism = c("N1", "N2", "N3", "N4", "N5"),
               openness = c("O1", "-O2", "O3", "O4", "-O5"))
totals <- NULL
items <- NULL
for (scale in names(scales)) {
  keyed <- scales[[scale]]
  names_ <- sub("-", "", keyed)
  keys <- ifelse(startsWith(keyed, "-"), -1, 1)
  a <- psych::alpha(x[, names_], keys = keys, check.keys = FALSE, warnings = FALSE)
  # omega total of a one-factor model, on the reverse-keyed items
  rev <- x[, names_]
  for (j in which(keys < 0)) rev[, j] <- 7 - rev[, j]
  o <- suppressWarnings(suppressMessages(omega(rev, nfactors = 1, plot = FALSE)))
  totals <- rbind(totals, data.frame(
    scale = scale, alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
    alpha_ci_low = as.numeric(a$feldt$lower.ci), alpha_ci_high = as.numeric(a$feldt$upper.ci),
    omega_total = o$omega.tot, n = nrow(x)))
  items <- rbind(items, data.frame(
    scale = scale, item = names_, item_rest = a$item.stats$r.drop,
    alpha_if_deleted = a$alpha.drop$raw_alpha))
}
out(totals, "alpha.csv", row.names = FALSE)
out(items, "item_total.csv", row.names = FALSE)

# --- CFA: the three-factor Holzinger-Swineford model ------------------------------------
model <- "visual =~ x1 + x2 + x3
          textual =~ x4 + x5 + x6
          speed =~ x7 + x8 + x9"
fit <- cfa(model, data = HolzingerSwineford1939)
m <- fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
                        "rmsea.ci.upper", "srmr", "aic", "bic"))
out(data.frame(measure = c("chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low",
                           "rmsea_ci_high", "srmr", "aic", "bic"), value = as.numeric(m)),
    "cfa_fit.csv", row.names = FALSE)
std <- standardizedSolution(fit)
loadings <- std[std$op == "=~", c("lhs", "rhs", "est.std")]
names(loadings) <- c("factor", "item", "loading")
out(loadings, "cfa_loadings.csv", row.names = FALSE)
phi <- std[std$op == "~~" & std$lhs != std$rhs & std$lhs %in% c("visual", "textual", "speed"),
           c("lhs", "rhs", "est.std")]
names(phi) <- c("factor1", "factor2", "correlation")
out(phi, "cfa_factor_correlations.csv", row.names = FALSE)
cr <- compRelSEM(fit, tau.eq = FALSE, obs.var = TRUE)
ave <- AVE(fit)
out(data.frame(factor = names(cr), composite_reliability = as.numeric(cr),
               ave = as.numeric(ave[names(cr)])), "cfa_validity.csv", row.names = FALSE)
out(as.matrix(htmt(model, data = HolzingerSwineford1939)), "cfa_htmt.csv")
